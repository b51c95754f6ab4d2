import * as Doctor from '../doctor/Doctor.js'
import type * as Launch from '../doctor/Launch.js'
import * as Host from '../hosts/Host.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'

export const flags = { json: { type: 'boolean', default: false }, project: { type: 'string' } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance doctor [--json] [--project DIR]'],
  about: `Lists every agent host's MCP servers and whether each goes through Allowance, starts each
Allowance entry as its host would and completes initialize with its upstream, and checks that
the companion answers, that a wallet or card can pay, and that the OS keychain is reachable.
Each problem is printed with its fix; the exit code is 1 when there is any.`,
  options: [
    ['--json', 'the report as JSON, for scripts (the exit code is the same)'],
    ['--project DIR', "also DIR's project files (.mcp.json, .vscode/mcp.json)"],
  ],
  environment: [['ALLOWANCE_HOSTS_HOME', "stands for your home directory when looking for hosts' config files"]],
  examples: ['allowance doctor', 'allowance doctor --project . --json'],
})

/** `allowance doctor`: finds what keeps an agent from paying through Allowance, and says how to fix it. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0)
  const report = await Doctor.inspect({ where: Host.here(values.project) })
  console.log(values.json ? Output.json(report) : text(report))
  return report.ok ? 0 : 1
}

function text(report: Doctor.Report): string {
  const lines = ['Agent hosts']
  for (const config of report.hosts) {
    if (!config.installed) {
      lines.push(`  ${config.host.title}: not set up here`)
      continue
    }
    for (const file of config.files.filter((file) => file.found)) {
      lines.push(`  ${config.host.title}: ${file.path}${file.error ? ' (unreadable)' : file.servers.length === 0 ? ' (no servers)' : ''}`)
      const width = Math.max(...file.servers.map((server) => server.name.length))
      for (const server of file.servers) lines.push(`    ${server.name.padEnd(width)}  ${describe(server)}`)
    }
  }
  const { companion, payment } = report
  lines.push('')
  lines.push(`Companion  ${companion.running ? `running (pid ${companion.pid}, version ${companion.version})` : `not running (${companion.reason})`}`)
  const store = (kind: string) => (kind === 'keychain' ? 'OS keychain' : 'encrypted keystore file')
  lines.push(`Wallet     ${payment.wallet ? `${payment.wallet.address} (key in the ${store(payment.wallet.store)}${payment.wallet.keyPresent === false ? ': MISSING' : ''})` : 'none'}`)
  lines.push(`Card       ${payment.card ? `${payment.card.label} (key in the ${store(payment.card.store)}${payment.card.keyPresent === false ? ': MISSING' : ''})` : 'none'}`)
  lines.push(`Keychain   ${payment.keychain.reachable ? 'reachable' : `not reachable (${payment.keychain.error})`}`)
  lines.push('')
  if (report.problems.length === 0) lines.push('No problems found.')
  else {
    lines.push(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:`)
    report.problems.forEach((problem, index) => lines.push(`  ${index + 1}. ${problem.subject}: ${problem.problem}`, `     Fix: ${problem.fix}`))
  }
  return lines.join('\n')
}

function describe(server: Doctor.ServerReport): string {
  const upstream = server.upstream ?? 'arguments the bridge refuses'
  if (!server.throughAllowance) return `direct${server.routable ? ' (allowance install --wrap routes it through Allowance)' : ''}: ${upstream}`
  return `through Allowance to ${upstream}${server.check ? `: ${outcome(server.check)}` : ''}`
}

function outcome(check: Launch.Result): string {
  if (check.status === 'answered') return `answered by ${check.server} in ${check.ms} ms`
  if (check.status === 'skipped') return `not started: ${check.reason}`
  return `FAILS: ${check.error}`
}
