import { useId, useState } from 'react'
import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { CopyButton } from './CopyButton.js'
import { PassphraseForm } from './PassphraseForm.js'
import { RelativeTime } from './RelativeTime.js'
import { useChange, type Change } from './useChange.js'
import { WalletLocked } from './WalletLocked.js'
import { useLoaded } from './useLoaded.js'

const importCommand = 'allowance wallet import < key.txt'

/**
 * The wallet (its address, never its key), its balances per token and chain, and the card. A new
 * wallet is created by the companion, which keeps the key in the keychain (or, where none answers,
 * in a file sealed with a passphrase typed here) and answers the address. A wallet in a file is
 * unlocked and locked here too. Importing a key is done with `allowance wallet import`: a private
 * key typed here would pass through the page's memory, which the design keeps free of secrets.
 */
export function WalletView(props: { changes: number }) {
  const heading = useId()
  const change = useChange()
  // The address and the card come from the data directory's files: cheap to read again on each change.
  const wallet = useLoaded(Api.wallet, [props.changes])
  const address = wallet.value?.address
  // The companion said no keychain answers: the key needs a passphrase to be sealed with.
  const [needsPassphrase, setNeedsPassphrase] = useState(false)
  const create = () =>
    change.run(async () => {
      try {
        return await Api.createWallet()
      } catch (error) {
        if (!(error instanceof Api.ApiError && (error.body as { needsPassphrase?: boolean } | undefined)?.needsPassphrase)) throw error
        setNeedsPassphrase(true)
        return { message: 'No OS keychain answers on this machine: choose a passphrase to seal the key with.' }
      }
    }, wallet.reload)

  return (
    <div className="screen wallet">
      {wallet.value?.warnings.map((warning) => <WarningBanner key={`${warning.kind} ${warning.since}`} warning={warning} />)}
      <section className="panel" aria-labelledby={heading}>
        <h2 id={heading}>Wallet</h2>
        {wallet.problem && <p role="alert" className="problem">{wallet.problem}</p>}
        {address && (
          <>
            <p className="wallet-address">
              <code aria-label="Wallet address">{address}</code> <CopyButton value={address} label="wallet address" />
            </p>
            <p className="muted">Its key is in {wallet.value!.keyStore}; only the address leaves the companion. Send tokens to this address to pay for tools.</p>
            {wallet.value!.locked ? (
              <WalletLocked because="Allowance refuses payments by wallet until you unlock it." unlocked={wallet.reload} />
            ) : (
              wallet.value!.store === 'file' && (
                <button type="button" disabled={change.busy} onClick={() => void change.run(Api.lockWallet, wallet.reload)}>
                  Lock the wallet
                </button>
              )
            )}
            <Balances />
            <SessionChannels changes={props.changes} />
            {wallet.value!.thresholds.length > 0 && <Thresholds thresholds={wallet.value!.thresholds} change={change} done={wallet.reload} />}
          </>
        )}
        {wallet.value && !address && (
          <>
            <p>There is no wallet yet. Create one: the companion generates the key and keeps it in your OS keychain, or, where there is none, in a file sealed with a passphrase you choose.</p>
            {needsPassphrase ? (
              <PassphraseForm purpose="create" change={change} submit={Api.createWallet} done={wallet.reload} />
            ) : (
              <button type="button" className="approve" disabled={change.busy} onClick={() => void create()}>
                Create a wallet
              </button>
            )}
            <p className="muted">
              To use a key you already have, run <code>{importCommand}</code> <CopyButton value={importCommand} label="import command" /> in a terminal: the key goes from the
              file to the keychain without passing through this window.
            </p>
          </>
        )}
        <ChangeNotice change={change} />
      </section>
      <section className="panel" aria-label="Card">
        <h2>Card</h2>
        {wallet.value?.card ? (
          <p>
            {wallet.value.card.label}
            {wallet.value.card.mode === 'test' && <span className="badge">Test mode</span>}
          </p>
        ) : (
          wallet.value && (
            <p className="muted">
              No card. Add one with <code>allowance card add --payment-method pm_… &lt; stripe-key.txt</code>.
            </p>
          )
        )}
      </section>
    </div>
  )
}

/**
 * Each known token on each chain with an RPC endpoint; a chain that does not answer says why. Read
 * when the wallet shows and on Refresh only: each read asks every chain's RPC, so a payment (which
 * the ledger announces) does not read them again.
 */
function Balances() {
  const balances = useLoaded(Api.balances, [])
  const refresh = (
    <button type="button" onClick={balances.reload}>
      Refresh balances
    </button>
  )
  if (balances.problem) {
    return (
      <>
        <p role="alert" className="problem">{balances.problem}</p>
        {refresh}
      </>
    )
  }
  if (!balances.value) return <p role="status" className="empty">Reading balances…</p>
  if (balances.value.length === 0) {
    return (
      <p className="empty">
        No chain has an RPC endpoint: add one under <code>"rpc"</code> in settings.json to see balances.
      </p>
    )
  }
  return (
    <>
      <table aria-label="Balances">
        <thead>
          <tr>
            <th scope="col">Chain</th>
            <th scope="col">Token</th>
            <th scope="col" className="money">Balance</th>
          </tr>
        </thead>
        <tbody>
          {balances.value.map((balance, index) => (
            <tr key={index}>
              <td>
                {balance.chain}
                {balance.testnet && <span className="badge">Test network</span>}
              </td>
              <td>{balance.symbol}</td>
              <td className="money">{balance.amount ?? <span className="problem">Unavailable: {balance.error}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {refresh}
    </>
  )
}

/**
 * The wallet's session channels: per server, what its escrow holds, what the calls used and what
 * comes back on closing, with Close. Closing asks the escrow; the server settles and the rest of
 * the deposit returns once the chain shows it, which the list then says.
 */
function SessionChannels(props: { changes: number }) {
  const change = useChange()
  const channels = useLoaded(Api.channels, [props.changes])
  if (!channels.value || channels.value.length === 0) return null
  return (
    <>
      <h3>Sessions</h3>
      <table aria-label="Session channels">
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col" className="money">Deposited</th>
            <th scope="col" className="money">Used</th>
            <th scope="col" className="money">Refundable</th>
            <th scope="col">Closes</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {channels.value.map((channel) => (
            <tr key={channel.id}>
              <td>
                {channel.server} <span className="muted">{channel.token}</span>
              </td>
              <td className="money">{channel.deposited}</td>
              <td className="money">{channel.used}</td>
              <td className="money">{channel.state === 'closed' ? `${channel.refundable} returned` : channel.refundable}</td>
              <td>{channelState(channel)}</td>
              <td>
                {channel.state === 'open' && (
                  <button type="button" disabled={change.busy} onClick={() => void change.run(() => Api.closeChannel(channel.id), channels.reload)}>
                    Close
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChangeNotice change={change} />
    </>
  )
}

function channelState(channel: Api.ChannelView) {
  if (channel.state === 'open') return <RelativeTime at={channel.expiresAt} />
  if (channel.state === 'opening') return 'Opening…'
  if (channel.state === 'closing') return 'Closing: waiting for the server to settle'
  if (channel.state === 'closed') return 'Closed'
  return 'Never opened'
}

/** A warning about money running out or a failing card, with what to do and where to send tokens. */
function WarningBanner(props: { warning: Api.WalletView['warnings'][number] }) {
  const { warning } = props
  return (
    <section className="banner warning" role="alert" aria-label={warning.title}>
      <p>{warning.title}</p>
      <p>{warning.body}</p>
      {warning.action && <p>{warning.action}</p>}
      {warning.address && (
        <p className="wallet-address">
          <code aria-label="Address to top up">{warning.address}</code> <CopyButton value={warning.address} label="address to top up" />
        </p>
      )}
    </section>
  )
}

/** Below which balance Allowance warns, per token: the user's level, or the default from the budgets. */
function Thresholds(props: { thresholds: Api.WalletView['thresholds']; change: Change; done(): void }) {
  const heading = useId()
  const [typed, setTyped] = useState<Record<string, string>>({})
  const set = (currency: string, amount: string | null) => void props.change.run(() => Api.setThreshold(currency, amount), props.done)
  return (
    <>
      <h3 id={heading}>Low balance warnings</h3>
      <table aria-labelledby={heading}>
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col" className="money">Warn below</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {props.thresholds.map((threshold) => (
            <tr key={threshold.currency}>
              <td>{threshold.token}</td>
              <td className="money">
                {threshold.amount ?? 'no warning'}
                {threshold.byDefault && threshold.amount && <span className="badge">a day of your budgets</span>}
              </td>
              <td>
                <form
                  onSubmit={(event) => {
                    event.preventDefault()
                    set(threshold.currency, typed[threshold.currency] ?? '')
                  }}
                >
                  <input
                    className="threshold"
                    aria-label={`Warn below, in ${threshold.token}`}
                    inputMode="decimal"
                    placeholder="5.00"
                    value={typed[threshold.currency] ?? ''}
                    onChange={(event) => setTyped({ ...typed, [threshold.currency]: event.target.value })}
                  />{' '}
                  <button type="submit" disabled={props.change.busy}>
                    Set
                  </button>{' '}
                  {!threshold.byDefault && (
                    <button type="button" disabled={props.change.busy} onClick={() => set(threshold.currency, null)}>
                      Default
                    </button>
                  )}
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
