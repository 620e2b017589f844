/// The console's one page: a frame the script fills.
enum ConsolePage {
    static let html = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Strata console</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/console/app.css">
    </head>
    <body>
    <header>
      <strong>Strata</strong>
      <nav>
        <a href="#/tables" id="nav-tables" accesskey="t">Tables</a>
        <a href="#/partiql" id="nav-partiql" accesskey="p">PartiQL</a>
        <a href="#/live" id="nav-live" accesskey="l">Live</a>
      </nav>
      <span id="signer"></span>
    </header>
    <main id="main"></main>
    <div id="toast" role="status"></div>
    <script src="/console/app.js"></script>
    </body>
    </html>
    """#
}
