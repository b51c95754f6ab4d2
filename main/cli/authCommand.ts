import { text } from 'node:stream/consumers'
import * as TokenStore from '../auth/TokenStore.js'
import * as Home from '../shared/Home.js'
import { CompanionClient, startDetachedCompanion } from '../wire/Client.js'
import type { Event } from '../wire/Messages.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = {
  json: { type: 'boolean', default: false },
  'oauth-client-id': { type: 'string' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance auth list [--json]', 'allowance auth login <server> [--oauth-client-id ID] [< client-secret.txt]', 'allowance auth logout <server>'],
  about: `Servers that want to know who calls them ask you to sign in once: the companion opens your
browser on their sign-in page and keeps the tokens in the OS keychain, for every agent host
that reaches them through Allowance. Tokens are never printed.`,
  actions: [
    ['list', 'who is signed in where: server, account, authorization server, scopes, expiry'],
    ['login <server>', 'signs in now (the browser opens; the link is printed too), instead of\nwaiting for an agent to need it'],
    ['logout <server>', 'signs out: the server revokes the tokens where it can, Allowance forgets them,\nand bridges stop sending them'],
  ],
  options: [
    ['--oauth-client-id ID', 'login: a client you registered with the server yourself (for servers that\nlet no app register); its secret, if it has one, is read from stdin into\nthe keychain'],
    ['--json', 'list: the same as JSON'],
  ],
  examples: ['allowance auth login https://tools.example.com/mcp', 'allowance auth login https://tools.example.com/mcp --oauth-client-id my-app < secret.txt', 'allowance auth list', 'allowance auth logout https://tools.example.com/mcp'],
})

/** `allowance auth …`: the sign-in itself happens in the companion, which it starts if none runs. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, server] = positionals
  const home = Home.resolve()
  switch (action) {
    case 'list': {
      Options.noMore(positionals, 1)
      const entries = TokenStore.signIns(home)
      if (values.json) {
        console.log(Output.json(entries.map(({ server, issuer, account, scopes, signedInAt, expiresAt, refreshable, store }) => ({ server, issuer, account: account ?? null, scopes, signedInAt, expiresAt: expiresAt ?? null, refreshable, store }))))
        return 0
      }
      if (entries.length === 0) {
        console.log('Signed in nowhere yet: a server that wants it asks when an agent first calls it (or run `allowance auth login <server>`).')
        return 0
      }
      const rows = entries.map((entry) => [
        entry.server,
        entry.account ?? '(not said)',
        entry.issuer,
        entry.scopes.join(' ') || '-',
        entry.expiresAt === undefined ? 'not said' : `${Output.time(entry.expiresAt)}${entry.refreshable ? ' (renews itself)' : ''}`,
      ])
      console.log(Output.table(['server', 'account', 'authorization server', 'scopes', 'token expires'], rows))
      return 0
    }
    case 'login': {
      const target = required(server)
      Options.noMore(positionals, 2)
      const clientId = values['oauth-client-id']
      let clientSecret: string | undefined
      if (clientId !== undefined && !process.stdin.isTTY) clientSecret = (await text(process.stdin)).trim() || undefined
      const client = companion(home, (event) => {
        if (event.event === 'auth.sign-in') console.log(`Sign in to ${new URL(event.server).host} in your browser. If it did not open, open this link:\n  ${event.url}`)
      })
      try {
        const result = await client.request<{ ok: boolean; message: string }>({
          type: 'auth.login',
          server: target,
          ...(clientId !== undefined && { clientId }),
          ...(clientSecret !== undefined && { clientSecret }),
        })
        if (!result.ok) {
          console.error(`allowance: ${result.message}`)
          return 1
        }
        console.log(result.message)
        return 0
      } finally {
        client.close()
      }
    }
    case 'logout': {
      const target = required(server)
      Options.noMore(positionals, 2)
      const client = companion(home)
      try {
        const result = await client.request<{ message: string }>({ type: 'auth.logout', server: target })
        console.log(result.message)
        return 0
      } finally {
        client.close()
      }
    }
    default:
      throw new UsageError(action ? `unknown auth action "${action}".` : 'which auth action? list, login or logout.')
  }
}

function required(server: string | undefined): string {
  if (server === undefined) throw new UsageError('which server? Give its URL, as the agent host reaches it.')
  return server
}

function companion(home: string, onEvent?: (event: Event) => void): CompanionClient {
  return new CompanionClient({
    socketPath: Home.paths(home).socket,
    hello: { role: 'cli' },
    autoStart: () => startDetachedCompanion(process.argv[1]!),
    ...(onEvent && { onEvent }),
  })
}
