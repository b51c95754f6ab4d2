// Compiles a standard-JSON input with solc-js run through npx (solc is not a dependency: the first
// run fetches it from npm). Prints the compiler's errors and exits when there are any.
import { execFileSync } from 'node:child_process'

export function compile(solc, input) {
  const stdout = execFileSync('npx', ['-y', solc, '--standard-json'], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  })
  // solcjs may print a notice line before the JSON.
  const output = JSON.parse(stdout.slice(stdout.indexOf('{')))
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error')
  if (errors.length > 0) {
    for (const error of errors) console.error(error.formattedMessage)
    process.exit(1)
  }
  return output
}
