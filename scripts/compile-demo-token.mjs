// Regenerates main/demo/contracts/TestUSDC.json ({ abi, bytecode }) from TestUSDC.sol.
// solc is not a dependency: this runs solc-js through npx (first run fetches it from npm).
//
//   node scripts/compile-demo-token.mjs
import { readFileSync, writeFileSync } from 'node:fs'
import { compile } from './solc.mjs'

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

const output = compile(SOLC, input)
const contract = output.contracts['TestUSDC.sol'].TestUSDC
const result = { compiler: SOLC, abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
writeFileSync(artifact, `${JSON.stringify(result, null, 2)}\n`)
console.log(`wrote ${artifact} (${contract.evm.bytecode.object.length / 2} bytes of bytecode)`)
