/// The console's stylesheet.
enum ConsoleStyle {
    static let source = #"""
    * { box-sizing: border-box; }
    body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
    header { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #1d2330; color: #fff; }
    header nav a { color: #cfd6e4; margin-right: 16px; text-decoration: none; }
    header nav a.active { color: #fff; border-bottom: 2px solid #4f8cff; }
    #signer { margin-left: auto; font-size: 12px; color: #cfd6e4; }
    main { padding: 16px 20px; }
    h2 { font-size: 18px; margin: 8px 0 12px; }
    table.grid { border-collapse: collapse; background: #fff; width: 100%; margin: 8px 0; }
    table.grid th, table.grid td { border: 1px solid #dde1e8; padding: 4px 8px; text-align: left; vertical-align: top; white-space: pre-wrap; }
    table.grid th { background: #eef1f5; font-weight: 600; }
    fieldset { border: 1px solid #dde1e8; background: #fff; margin: 8px 0; padding: 8px 12px; }
    label { margin-right: 12px; }
    input, select, textarea, button { font: inherit; }
    textarea { width: 100%; min-height: 180px; font-family: ui-monospace, monospace; }
    button { padding: 4px 10px; margin: 2px 4px 2px 0; border: 1px solid #9aa6bb; background: #fff; border-radius: 4px; cursor: pointer; }
    button.primary { background: #4f8cff; border-color: #4f8cff; color: #fff; }
    button.danger { border-color: #d44; color: #b22; }
    .row { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 6px 0; }
    .muted { color: #69738a; }
    .error { color: #b22; }
    pre { background: #fff; border: 1px solid #dde1e8; padding: 8px; overflow: auto; }
    #toast { position: fixed; bottom: 16px; right: 16px; background: #1d2330; color: #fff; padding: 8px 12px; border-radius: 4px; display: none; }
    #toast.shown { display: block; }
    .chart { background: #fff; border: 1px solid #dde1e8; }
    .dialog { background: #fff; border: 1px solid #9aa6bb; padding: 12px; margin: 12px 0; }
    progress { width: 240px; }
    """#
}
