import * as Settings from '../ledger/Settings.js'
import { SettingsBody, type SettingsView, type WithMessage } from '../uiapi/Contract.js'
import type { Companion } from './Companion.js'
import * as SettingsViews from './SettingsViews.js'
import { body, input, ok, type Route } from './UiRoute.js'

/**
 * The companion's settings the UI changes (the pause has its own route beside the rules):
 *
 * - `GET /api/settings`: a {@link SettingsView}
 * - `POST /api/settings` `{ approvalTimeoutMs }`: how long the next payments wait for a human
 *   (1,000 to 3,600,000, whole seconds); payments already waiting keep their deadline.
 */
export function routes(companion: Companion): Route[] {
  const { db } = companion
  return [
    { method: 'GET', path: /^\/api\/settings$/, answer: () => ok(SettingsViews.settings(Settings.get(db))) },
    {
      method: 'POST',
      path: /^\/api\/settings$/,
      announce: 'settings.changed',
      answer(request) {
        const { approvalTimeoutMs } = body(SettingsBody, request.body, 'setting')
        const stored = input(() => Settings.set(db, { approvalTimeoutMs }))
        const view = SettingsViews.settings(stored)
        return ok({ ...view, message: `Payments now wait ${view.approvalTimeout.text} for you; then they are declined.` } satisfies WithMessage<SettingsView>)
      },
    },
  ]
}
