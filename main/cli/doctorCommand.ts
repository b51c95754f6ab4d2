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
Each line is marked ✓ or ✗ (in colour on a terminal, unless NO_COLOR is set), and each\nproblem is said once, with its fix; the exit code is 1 when there is any.`,
  options: [
    ['--json', 'the report as JSON, for scripts (the exit code is the same)'],
    ['--project DIR', "also DIR's project files (.mcp.json, .vscode/mcp.json)"],
  ],
  environment: [
    ['ALLOWANCE_HOSTS_HOME', "stands for your home directory when looking for hosts' config files"],
    ['NO_COLOR', 'any value: no colour, even on a terminal'],
  ],
  examples: ['allowance doctor', 'allowance doctor --project . --json'],
})

/** `allowance doctor`: finds what keeps an agent from paying through Allowance, and says how to fix it. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0)
  const report = await Doctor.inspect({ where: Host.here(values.project) })
  console.log(values.json ? Output.json(report) : text(report, Output.colour()))
  return report.ok ? 0 : 1
}

/**
 * The report for people: a line per thing checked, marked ✓ when it is fine and ✗ when it is not,
 * and then the problem, said once, in words, with its fix below it.
 */
export function text(report: Doctor.Report, colour: boolean): string {
  const lines: string[] = []
  const said = new Set<Doctor.Problem>()
  const ok = (indent: string, line: string) => lines.push(`${indent}${Output.mark(true, colour)} ${line}`)
  /** The problem about `subject`, in place of its line; false when there is none. */
  const problem = (indent: string, subject: string) => {
    const found = report.problems.find((problem) => problem.subject === subject && !said.has(problem))
    if (!found) return false
    said.add(found)
    lines.push(`${indent}${Output.mark(false, colour)} ${found.subject}: ${found.problem}`, `${indent}  Fix: ${found.fix}`)
    return true
  }
  const check = (indent: string, subject: string, line: string) => problem(indent, subject) || ok(indent, line)

  lines.push('Agent hosts')
  for (const config of report.hosts.filter((config) => config.installed)) {
    const title = config.host.title
    for (const file of config.files.filter((file) => file.found)) {
      check('  ', `${title}: ${file.path}`, `${title}: ${file.path}${file.servers.length === 0 ? ' (no servers)' : ''}`)
      const width = Math.max(...file.servers.map((server) => server.name.length))
      for (const server of file.servers) check('    ', `${title} "${server.name}"`, `${server.name.padEnd(width)}  ${describe(server)}`)
    }
  }
  const absent = report.hosts.filter((config) => !config.installed).map((config) => config.host.title)
  if (absent.length > 0) lines.push(`  Not set up here: ${absent.join(', ')}.`)
  problem('  ', 'Agent hosts')

  const { companion, payment } = report
  const store = (kind: string) => (kind === 'keychain' ? 'OS keychain' : 'encrypted keystore file')
  lines.push('')
  if (companion.running) check('', 'Companion', `Companion: running (pid ${companion.pid}, version ${companion.version})`)
  else problem('', 'Companion')
  if (payment.wallet) check('', 'Wallet', `Wallet: ${payment.wallet.address} (key in the ${store(payment.wallet.store)})`)
  if (payment.card) check('', 'Card', `Card: ${payment.card.label} (key in the ${store(payment.card.store)})`)
  problem('', 'Payment')
  const { keychain } = payment
  check('', 'Keychain', keychain.reachable ? 'Keychain: reachable' : `Keychain: not reachable (${keychain.error.replace(/\.$/, '')}), and no key is kept there`)
  // Whatever has no line of its own.
  for (const left of report.problems.filter((problem) => !said.has(problem))) problem('', left.subject)

  lines.push('', report.problems.length === 0 ? 'No problems found.' : `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}.`)
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
  return `does not work: ${check.error}`
}
