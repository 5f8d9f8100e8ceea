// What an Android app writes, in Kotlin, against the bindings UniFFI generates for its
// Rust core (here `examples/mobile`, whose package is `uniffi.mobile_login`).
// `examples/mobile/test.sh` compiles this file with kotlinc, beside stand-ins for the
// few WeChat OpenSDK classes it names, and `Main.kt` drives it against the emulator.
//
// The release build launches Mini Login through WeChat OpenSDK and reads its answer in
// `onResp`; the debug build, in the Android emulator where WeChat rarely runs, opens
// the emulator's page instead and reads the URL it comes back with.

package com.example.app

import com.tencent.mm.opensdk.modelbase.BaseResp
import com.tencent.mm.opensdk.modelbiz.WXLaunchMiniProgram
import com.tencent.mm.opensdk.openapi.IWXAPI
import uniffi.mini_program_login.LaunchException
import uniffi.mini_program_login.MiniProgramType
import uniffi.mini_program_login.Ticket
import uniffi.mobile_login.PhoneLogin

class LoginFlow(
    /** `WXAPIFactory.createWXAPI(context, appId)`, as the app already has it. */
    private val api: IWXAPI,
    /** Hands the ticket's text to the app's backend, which exchanges it. */
    private val sendToBackend: (String) -> Unit,
    /** A refusal, WeChat's failure or a malformed answer; not a cancellation. */
    private val failed: (LaunchException) -> Unit,
) {
    private val login = PhoneLogin()

    // Release: WeChat OpenSDK.
    fun start() {
        val request = login.launchRequest()
        api.sendReq(WXLaunchMiniProgram.Req().apply {
            userName = request.userName
            path = request.path
            miniprogramType = when (request.miniProgramType) {
                MiniProgramType.RELEASE -> WXLaunchMiniProgram.Req.MINIPTOGRAM_TYPE_RELEASE
                MiniProgramType.TEST -> WXLaunchMiniProgram.Req.MINIPROGRAM_TYPE_TEST
                MiniProgramType.PREVIEW -> WXLaunchMiniProgram.Req.MINIPROGRAM_TYPE_PREVIEW
            }
        })
    }

    /** From `IWXAPIEventHandler.onResp`, in the app's `WXEntryActivity`. */
    fun onResp(resp: BaseResp) {
        if (resp !is WXLaunchMiniProgram.Resp) return
        read { login.parseResponse(resp.errCode, resp.extMsg) }
    }

    // Debug, in the Android emulator: the emulator's page (10.0.2.2 is the machine
    // running the emulator). Open it in a Custom Tab:
    // CustomTabsIntent.Builder().build().launchUrl(activity, Uri.parse(flow.emulatorPage()))
    fun emulatorPage(hostPort: String = "10.0.2.2:8787"): String =
        login.emulatorPageUrl(hostPort, "myapp://login")

    /** The URL the page sends the user back to (`intent.data` of the activity for myapp://login). */
    fun onCallbackUrl(url: String) {
        read { login.parseCallbackUrl(url) }
    }

    private fun read(parse: () -> Ticket) {
        try {
            parse().use { ticket -> sendToBackend(ticket.exposeSecret()) }
        } catch (e: LaunchException.Cancelled) {
            // The user backed out: nothing to say.
        } catch (e: LaunchException) {
            failed(e) // WeChat(errCode), Refused(code, refusalMessage), Malformed(reason)
        }
    }
}
