// Regenerates main/demo/contracts/TestUSDC.json ({ abi, bytecode }) from TestUSDC.sol.
// solc is not a dependency: this runs solc-js through npx (first run fetches it from npm).
//
//   node scripts/compile-demo-token.mjs
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const SOLC = 'solc@0.8.37'
const source = 'main/demo/contracts/TestUSDC.sol'
const artifact = 'main/demo/contracts/TestUSDC.json'

const input = {
  language: 'Solidity',
  sources: { 'TestUSDC.sol': { content: readFileSync(source, 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'cancun',
    outputSelection: { '*': { TestUSDC: ['abi', 'evm.bytecode.object'] } },
  },
}

const stdout = execFileSync('npx', ['-y', SOLC, '--standard-json'], {
  input: JSON.stringify(input),
  encoding: 'utf8',
  stdio: ['pipe', 'pipe', 'inherit'],
})
// solcjs may print a notice line before the JSON.
const output = JSON.parse(stdout.slice(stdout.indexOf('{')))
const errors = (output.errors ?? []).filter((error) => error.severity === 'error')
if (errors.length > 0) {
  for (const error of errors) console.error(error.formattedMessage)
  process.exit(1)
}
const contract = output.contracts['TestUSDC.sol'].TestUSDC
const result = { compiler: SOLC, abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
writeFileSync(artifact, `${JSON.stringify(result, null, 2)}\n`)
console.log(`wrote ${artifact} (${contract.evm.bytecode.object.length / 2} bytes of bytecode)`)
