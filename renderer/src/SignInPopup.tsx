import { useEffect, useState } from 'react'
import * as Api from './Api.js'
import { SignInCard } from './SignInCard.js'

/**
 * The desktop app's popup for one sign-in (`#signin=<id>`): its card alone. The app closes it
 * once the sign-in is over, however it ended.
 */
export function SignInPopup(props: { id: number }) {
  const [request, setRequest] = useState<Api.SignInRequest | null>()
  const [problem, setProblem] = useState<string>()
  useEffect(() => {
    Api.signIns().then(
      (list) => setRequest(list.find((candidate) => candidate.id === props.id) ?? null),
      (error: Error) => setProblem(error.message),
    )
  }, [props.id])
  useEffect(() => {
    if (request) document.title = `Sign in to ${request.label}`
  }, [request])
  return (
    <main>
      {problem && <p role="alert" className="problem">{problem}</p>}
      {request === null && <p className="empty">This sign-in no longer waits for you.</p>}
      {request && <SignInCard request={request} />}
    </main>
  )
}
