import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { PassphraseForm } from './PassphraseForm.js'
import { useChange } from './useChange.js'

/** The banner of a wallet whose key file no passphrase opens in this run, with the form that unlocks it. */
export function WalletLocked(props: { because: string; unlocked(): void }) {
  const change = useChange()
  return (
    <div className="banner locked" role="region" aria-label="Wallet locked">
      <p>
        <strong>The wallet is locked.</strong> {props.because}
      </p>
      <PassphraseForm purpose="unlock" change={change} submit={Api.unlockWallet} done={props.unlocked} />
      <ChangeNotice change={change} />
    </div>
  )
}
