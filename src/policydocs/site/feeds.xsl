<?xml version="1.0" encoding="UTF-8"?>
<!-- policydocs: how a browser shows an RSS or Atom feed of policy changes (XSLT 1.0). A feed
     reader ignores this; a person who opens the feed's link learns what it is and how to
     follow it. Nothing is fetched and no script runs. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="self"
        select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
    <xsl:variable name="home"
        select="rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <style>
          :root { color-scheme: light dark; --muted: #555; --box: #f3f4f6; --link: #1a4fb5; }
          @media (prefers-color-scheme: dark) {
            :root { --muted: #b8b8b8; --box: #22252b; --link: #8ab4ff; }
          }
          body { font: 1rem/1.6 system-ui, sans-serif; margin: 0; padding: 1.5rem; }
          main { max-width: 44rem; margin: 0 auto; }
          a { color: var(--link); }
          .about { background: var(--box); padding: 1rem 1.25rem; border-radius: .4rem; }
          code { display: block; overflow-wrap: anywhere; padding: .5rem; background: var(--box); }
          ol { padding-left: 1.25rem; }
          li { margin-bottom: 1rem; }
          .when { color: var(--muted); font-size: .9rem; margin: 0; }
          .summary { margin: .25rem 0 0; }
        </style>
      </head>
      <body>
        <main>
          <section class="about" aria-labelledby="about">
            <h2 id="about">This is a feed</h2>
            <p>It announces every change to these policies: when it was published, when it
              takes effect and what changed. To follow it, copy its address into a feed
              reader (a news app, or an email service that reads feeds):</p>
            <code><xsl:value-of select="$self"/></code>
            <p><a href="{$home}">Read the policies</a></p>
          </section>
          <h1><xsl:value-of select="$title"/></h1>
          <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
          <ol>
            <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
              <li>
                <a href="{link | atom:link/@href}"><xsl:value-of select="title | atom:title"/></a>
                <p class="when">Published
                  <xsl:value-of select="pubDate | atom:published"/></p>
                <p class="summary"><xsl:value-of select="description | atom:summary"/></p>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
