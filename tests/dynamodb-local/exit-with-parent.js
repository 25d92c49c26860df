// Preloaded by the test fixture: node --require ./exit-with-parent.js node_modules/dynalite/cli.js ...
// The fixture holds this process's stdin open for as long as it runs. When the test process ends, however it ends
// (even killed), stdin closes and the server stops with it instead of lingering on its port.
process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
