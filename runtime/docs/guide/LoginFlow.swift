// What an iOS app writes, in Swift, against the bindings UniFFI generates for its Rust
// core (here `examples/mobile`). `examples/mobile/test.sh` generates them and checks
// that every generated name this file calls is there; it cannot compile it (there is
// no Swift toolchain on Linux CI), while `LoginFlow.kt` makes the same calls compiled
// and run.
//
// The release build launches Mini Login through WeChat OpenSDK and reads its answer in
// `onResp`; the debug build, in the Simulator where WeChat cannot be installed, opens
// the emulator's page instead and reads the URL it comes back with.

import AuthenticationServices
import Foundation

final class LoginFlow: NSObject, WXApiDelegate, ASWebAuthenticationPresentationContextProviding {
    private let login = PhoneLogin()
    /// The window the emulator's sheet is shown over (the view controller's `view.window`).
    private let anchor: ASPresentationAnchor
    /// Hands the ticket's text to the app's backend, which exchanges it.
    var sendToBackend: (String) -> Void = { _ in }
    /// A refusal, WeChat's failure or a malformed answer; not a cancellation.
    var failed: (Error) -> Void = { _ in }

    init(anchor: ASPresentationAnchor) {
        self.anchor = anchor
    }

    // Release: WeChat OpenSDK.
    func start() {
        let request = login.launchRequest()
        let launch = WXLaunchMiniProgramReq.object()
        launch.userName = request.userName
        launch.path = request.path
        switch request.miniProgramType {
        case .release: launch.miniProgramType = .release
        case .test: launch.miniProgramType = .test
        case .preview: launch.miniProgramType = .preview
        }
        WXApi.send(launch)
    }

    func onResp(_ resp: BaseResp) {
        guard let resp = resp as? WXLaunchMiniProgramResp else { return }
        do {
            let ticket = try login.parseResponse(errCode: resp.errCode, extMsg: resp.extMsg)
            sendToBackend(ticket.exposeSecret())
        } catch LaunchError.Cancelled {
            // The user backed out: nothing to say.
        } catch LaunchError.Refused(let code, let refusalMessage) {
            failed(NSError(domain: "login", code: Int(code), userInfo: [NSLocalizedDescriptionKey: refusalMessage]))
        } catch {
            failed(error)
        }
    }

    // Debug, in the Simulator: the emulator's page (127.0.0.1 is the Mac running it).
    func startOnEmulator() throws {
        let page = try login.emulatorPageUrl(hostPort: "127.0.0.1:8787", redirectUri: "myapp://login")
        let session = ASWebAuthenticationSession(url: URL(string: page)!, callbackURLScheme: "myapp") { url, error in
            guard let url else {
                // The tester closed the sheet: a cancellation, nothing to say.
                if let error, (error as? ASWebAuthenticationSessionError)?.code != .canceledLogin {
                    self.failed(error)
                }
                return
            }
            do {
                let ticket = try self.login.parseCallbackUrl(url: url.absoluteString)
                self.sendToBackend(ticket.exposeSecret())
            } catch {
                self.failed(error)
            }
        }
        session.presentationContextProvider = self
        session.start()
    }

    func presentationAnchor(for session: ASWebAuthenticationSession) -> ASPresentationAnchor {
        anchor
    }
}
