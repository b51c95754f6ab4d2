import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App.js'
import { ApprovalPopup, popupPaymentId } from './ApprovalPopup.js'
import './styles.css'

// The desktop app opens a popup per waiting payment on this same page, named in the hash.
const popup = popupPaymentId(location.hash)

createRoot(document.getElementById('root')!).render(<StrictMode>{popup === undefined ? <App /> : <ApprovalPopup paymentId={popup} />}</StrictMode>)
