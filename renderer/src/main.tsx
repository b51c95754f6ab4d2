import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.js'
import { ApprovalPopup, popupPaymentId } from './ApprovalPopup.js'
import { popupSignInId } from './SignInCard.js'
import { SignInPopup } from './SignInPopup.js'
import './styles.css'

// The desktop app opens a popup per waiting payment, and per sign-in, on this same page, named in the hash.
const popup = popupPaymentId(location.hash)
const signIn = popupSignInId(location.hash)

createRoot(document.getElementById('root')!).render(
  <StrictMode>{popup !== undefined ? <ApprovalPopup paymentId={popup} /> : signIn !== undefined ? <SignInPopup id={signIn} /> : <App />}</StrictMode>,
)
