import * as Doctor from '../doctor/Doctor.js'
import * as Entry from '../hosts/Entry.js'
import * as Host from '../hosts/Host.js'
import * as Hosts from '../hosts/Hosts.js'
import * as Registration from '../hosts/Registration.js'
import * as Upstream from '../hosts/Upstream.js'
import * as Scope from '../ledger/Scope.js'
import * as ServerSettings from '../ledger/ServerSettings.js'
import { AddServerBody, RouteBody, ServerSettingsBody, type HostChange, type ServerSettingsView, type WithMessage } from '../uiapi/Contract.js'
import type { Companion } from './Companion.js'
import * as ServersViews from './ServersViews.js'
import { body, input, ok, RouteError, type Route } from './UiRoute.js'

/**
 * The Servers screen's endpoints. The two changes do what `allowance install --wrap` and
 * `allowance install` do, in the host's own config files only (the page cannot name another file),
 * and answer whether the host must be restarted to see them.
 *
 * - `GET /api/servers`: upstreams with their payments, and the hosts' entries
 * - `GET /api/servers/check`: the doctor's report, each Allowance entry started once
 * - `POST /api/servers/settings` `{upstream, describePrices?, statusTool?}`: the user's choices for a server
 * - `POST /api/hosts/route` `{host, name, file}`: route the host's remote entry through Allowance
 * - `POST /api/hosts/add` `{host, name, url, headers?}`: add a server to the host through Allowance
 */
export function routes(companion: Companion): Route[] {
  const where = () => Host.here()
  return [
    {
      method: 'GET',
      path: /^\/api\/servers$/,
      answer: () => ok(ServersViews.servers(companion.db, companion.registry, { dataHome: companion.home, where: where() })),
    },
    {
      method: 'GET',
      path: /^\/api\/servers\/check$/,
      answer: async () => ok(await Doctor.inspect({ dataHome: companion.home, where: where() })),
    },
    {
      method: 'POST',
      path: /^\/api\/servers\/settings$/,
      answer(request) {
        const given = body(ServerSettingsBody, request.body, 'server settings')
        const { upstream, ...patch } = given
        const settings = ServerSettings.set(companion.db, upstream, patch, Date.now())
        const words = [`prices in the agent's tool list ${settings.describePrices ? 'on' : 'off'}`, `the status tool ${settings.statusTool ? 'on' : 'off'}`]
        return ok({ ...settings, message: `${Scope.upstreamLabel(upstream)}: ${words.join(', ')}. Agents see it the next time they list the tools.` } satisfies WithMessage<ServerSettingsView>)
      },
    },
    {
      method: 'POST',
      path: /^\/api\/hosts\/route$/,
      answer(request) {
        const given = body(RouteBody, request.body, 'route')
        const host = Hosts.find(given.host)!
        if (!host.files(where()).includes(given.file)) throw new RouteError(400, `${given.file} is not a config file of ${host.title}.`)
        // The screen offers to route remote entries only (a local one shows as "Local, not paid").
        return ok(changed(host, given.name, input(() => Registration.route(host, given.name, [given.file], companion.home, false)), 'Routed'))
      },
    },
    {
      method: 'POST',
      path: /^\/api\/hosts\/add$/,
      answer(request) {
        const given = body(AddServerBody, request.body, 'server')
        const host = Hosts.find(given.host)!
        if (!Host.installed(host, where())) throw new RouteError(400, `${host.title} does not look installed on this machine: open it once, then add the server.`)
        const stdio = input(() => Entry.bridge(Upstream.bridgeArguments({ url: given.url, headers: given.headers })))
        return ok(changed(host, given.name, input(() => Registration.install(host, given.name, stdio, host.files(where()), companion.home)), 'Added'))
      },
    },
  ]
}

function changed(host: Host.Host, name: string, changes: readonly Registration.Change[], verb: string): HostChange {
  return {
    message: Registration.describe(host, name, changes, verb),
    changed: changes.some((change) => change.changed),
    restart: Registration.restartNeeded(host, changes) ? host.restart : null,
  }
}
