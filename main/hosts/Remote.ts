import * as Entry from './Entry.js'

/**
 * A host's existing entry for a remote server, in any of the shapes hosts use: `url` (Cursor,
 * VS Code, Claude Code, Zed), `serverUrl` (Windsurf), or an `mcp-remote` command line.
 */
export type Remote = { url: string; headers: string[]; env: Record<string, string> }

export function read(entry: unknown): Remote | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined
  const { url, serverUrl, headers, env } = entry as Record<string, unknown>
  const address = typeof url === 'string' ? url : typeof serverUrl === 'string' ? serverUrl : undefined
  if (address !== undefined) {
    const pairs = typeof headers === 'object' && headers !== null ? Object.entries(headers as Record<string, string>) : []
    const environment = typeof env === 'object' && env !== null ? (env as Record<string, string>) : {}
    return { url: address, headers: pairs.map(([name, value]) => `${name}: ${value}`), env: environment }
  }
  // `npx -y mcp-remote@1 <url> --header "K: V"`, or mcp-remote's own path as the command.
  const launch = Entry.stdio(entry)
  if (!launch) return undefined
  const line = [launch.command, ...launch.args]
  const at = line.findIndex((word) => /(^|[\\/@])mcp-remote(@[^\\/]*)?$/.test(word.replace(/\.(c?js|cmd)$/, '')))
  if (at === -1 || line[at + 1] === undefined) return undefined
  const rest = line.slice(at + 2)
  return { url: line[at + 1]!, headers: rest.flatMap((word, index) => (rest[index - 1] === '--header' ? [word] : [])), env: launch.env }
}
