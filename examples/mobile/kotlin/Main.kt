// The app side of the login from Kotlin, through the bindings UniFFI generates for
// `examples/mobile`: every row of the table in DESIGN.md ("The app-side core from Swift
// and Kotlin"), then the whole flow against the emulator's binary, as an app's debug
// build in the Android emulator reaches it, and the guide's `LoginFlow.kt`
// (`runtime/docs/guide/`) driven in both builds. Run by `examples/mobile/test.sh`:
//
//   java ... MainKt <emulator base URL> <backend base URL> [--bench]
//
// Prints one line per check and exits 1 if any fails.

import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import kotlin.system.exitProcess
import com.example.app.LoginFlow
import com.tencent.mm.opensdk.modelbase.BaseReq
import com.tencent.mm.opensdk.modelbiz.WXLaunchMiniProgram
import com.tencent.mm.opensdk.openapi.IWXAPI
import uniffi.mini_program_login.EmulatorPageException
import uniffi.mini_program_login.LaunchException
import uniffi.mini_program_login.MiniProgramType
import uniffi.mobile_login.PhoneLogin

const val POOL = "5e4cdd055df3df65dc58b97d"
const val PATH = "/routes/explore?userPoolId=$POOL&getPhone=1&fromApp=1&useSelfWxapp=0"

var failures = 0

fun check(name: String, body: () -> Unit) {
    try {
        body()
        println("ok    kotlin: $name")
    } catch (e: Throwable) {
        failures++
        println("FAIL  kotlin: $name: $e")
    }
}

fun expect(condition: Boolean, what: () -> String) {
    if (!condition) throw AssertionError(what())
}

/// Runs `call`, which must throw a `T`, and hands it to `then`.
inline fun <reified T : Throwable> throws(call: () -> Any?, then: (T) -> Unit = {}) {
    try {
        val returned = call()
        throw AssertionError("expected ${T::class.simpleName}, got $returned")
    } catch (e: Throwable) {
        if (e !is T) throw AssertionError("expected ${T::class.simpleName}, got $e")
        then(e)
    }
}

val http: HttpClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()

fun post(url: String, contentType: String, body: String): HttpResponse<String> =
    http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("content-type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString(),
    )

fun jsonString(text: String): String = "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

/// A string or number field of a flat JSON object, as the emulator writes them.
fun field(json: String, name: String): String? =
    Regex("\"$name\":(\"((?:[^\"\\\\]|\\\\.)*)\"|-?[0-9]+|null)").find(json)?.let {
        if (it.groupValues[1] == "null") null else it.groupValues[2].ifEmpty { it.groupValues[1] }
    }

fun form(vararg pairs: Pair<String, String>): String =
    pairs.joinToString("&") { (k, v) -> "$k=" + URLEncoder.encode(v, Charsets.UTF_8) }

fun main(args: Array<String>) {
    val emulator = args[0]
    val backend = args[1]
    val login = PhoneLogin()

    // The table.
    check("PhoneLogin() and launchRequest(): the configuration as a record") {
        val request = login.launchRequest()
        expect(request.userName == "gh_a781a791e29e") { request.userName }
        expect(request.path == PATH) { request.path }
        expect(request.miniProgramType == MiniProgramType.RELEASE) { "${request.miniProgramType}" }
    }
    check("MiniProgramType: RELEASE, TEST, PREVIEW in the SDK's order 0, 1, 2") {
        val names = MiniProgramType.values().map { "${it.name}=${it.ordinal}" }
        expect(names == listOf("RELEASE=0", "TEST=1", "PREVIEW=2")) { "$names" }
    }
    check("parseResponse(0, extMsg): a Ticket whose toString() hides it") {
        val ticket = login.parseResponse(0, "code=200&message=ok&ticket=T-secret-1")
        expect(ticket.exposeSecret() == "T-secret-1") { ticket.exposeSecret() }
        expect(!ticket.toString().contains("T-secret-1")) { ticket.toString() }
        expect(!ticket.isExpired()) { "expired at once" }
    }
    check("parseResult(extMsg)") {
        expect(login.parseResult("ticket=T-2&code=200").exposeSecret() == "T-2") { "T-2" }
    }
    check("LaunchException.Cancelled for errCode -2") {
        throws<LaunchException.Cancelled>({ login.parseResponse(-2, null) })
    }
    check("LaunchException.WeChat(errCode)") {
        throws<LaunchException.WeChat>({ login.parseResponse(-5, null) }) {
            expect(it.errCode == -5) { "${it.errCode}" }
        }
    }
    check("LaunchException.Refused(code, refusalMessage), decoded") {
        val refused = "code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83"
        throws<LaunchException.Refused>({ login.parseResult(refused) }) {
            expect(it.code == 400L) { "${it.code}" }
            expect(it.refusalMessage == "用户取消授权") { it.refusalMessage }
            expect(it.message?.contains("400") == true) { "${it.message}" }
        }
    }
    check("a refusal's text reaches Kotlin bounded and without control characters") {
        val forged = "code=400&message=line1%0D%0AFAKE%20LOG%1B%5B2J%E2%80%AE" + "x".repeat(5000)
        throws<LaunchException.Refused>({ login.parseResult(forged) }) {
            val shown = it.refusalMessage + " " + it.toString()
            expect(shown.none { c -> c == '\r' || c == '\n' || c == '\u001b' || c == '\u202e' }) { shown.take(80) }
            expect(it.refusalMessage.length <= 301) { "${it.refusalMessage.length} characters" }
        }
    }
    check("LaunchException.Malformed(reason)") {
        throws<LaunchException.Malformed>({ login.parseResponse(0, null) }) {
            expect(it.reason.isNotEmpty()) { "no reason" }
        }
        throws<LaunchException.Malformed>({ login.parseResult("code=200") })
    }
    check("parseCallbackUrl(url): the emulator page's redirect") {
        val url = "myapp://login?errCode=0&extMsg=" +
            URLEncoder.encode("code=200&message=ok&ticket=T-3", Charsets.UTF_8)
        expect(login.parseCallbackUrl(url).exposeSecret() == "T-3") { url }
        throws<LaunchException>({ login.parseCallbackUrl("myapp://login") })
    }
    check("emulatorPageUrl(hostPort, redirectUri); EmulatorPageException on a bad one") {
        val page = login.emulatorPageUrl("10.0.2.2:8787", "myapp://login")
        expect(page.startsWith("http://10.0.2.2:8787/__emulator/mini-login/page?path=%2Froutes")) { page }
        throws<EmulatorPageException>({ login.emulatorPageUrl("10.0.2.2", "myapp://login") })
        throws<EmulatorPageException>({ login.emulatorPageUrl("10.0.2.2:8787", "https://evil.example/") }) {
            expect(it.message?.isNotEmpty() == true) { "no message" }
        }
    }

    // The whole app side, against the emulator's binary and a backend.
    check("WeChat's answer from the emulator, parsed, and the ticket exchanged by the backend") {
        val request = login.launchRequest()
        val answer = post(
            "$emulator/__emulator/mini-login",
            "application/json",
            """{"path": ${jsonString(request.path)}, "outcome": "approve"}""",
        )
        expect(answer.statusCode() == 200) { "mini-login: ${answer.statusCode()} ${answer.body()}" }
        val errCode = field(answer.body(), "err_code")!!.toInt()
        val ticket = login.parseResponse(errCode, field(answer.body(), "ext_msg"))
        val user = post("$backend/login", "application/json", """{"ticket": ${jsonString(ticket.exposeSecret())}}""")
        expect(user.statusCode() == 200) { "backend: ${user.statusCode()} ${user.body()}" }
        expect(user.body().contains("\"token\"")) { "no token from the backend" }
        // Single-use: the same ticket again is refused.
        val again = post("$backend/login", "application/json", """{"ticket": ${jsonString(ticket.exposeSecret())}}""")
        expect(again.statusCode() != 200) { "a used ticket was exchanged again" }
    }
    check("the emulator's page in a debug build: open, approve, come back, parseCallbackUrl") {
        val hostPort = URI.create(emulator).let { "${it.host}:${it.port}" }
        val page = login.emulatorPageUrl(hostPort, "myapp://login")
        val shown = http.send(HttpRequest.newBuilder(URI.create(page)).build(), HttpResponse.BodyHandlers.ofString())
        expect(shown.statusCode() == 200) { "page: ${shown.statusCode()}" }
        val back = post(
            "$emulator/__emulator/mini-login/page",
            "application/x-www-form-urlencoded",
            form("outcome" to "approve", "path" to login.launchRequest().path, "redirect_uri" to "myapp://login"),
        )
        expect(back.statusCode() == 303) { "submit: ${back.statusCode()} ${back.body()}" }
        val location = back.headers().firstValue("location").get()
        val ticket = login.parseCallbackUrl(location)
        val user = post("$backend/login", "application/json", """{"ticket": ${jsonString(ticket.exposeSecret())}}""")
        expect(user.statusCode() == 200) { "backend: ${user.statusCode()} ${user.body()}" }
    }
    check("the user refuses on the page: LaunchException.Refused from the callback") {
        val back = post(
            "$emulator/__emulator/mini-login/page",
            "application/x-www-form-urlencoded",
            form("outcome" to "refuse", "path" to login.launchRequest().path, "redirect_uri" to "myapp://login"),
        )
        throws<LaunchException.Refused>({ login.parseCallbackUrl(back.headers().firstValue("location").get()) })
    }

    // The guide's LoginFlow.kt, with a WeChat that records what it is sent.
    val sent = mutableListOf<BaseReq>()
    val weChat = object : IWXAPI {
        override fun sendReq(req: BaseReq): Boolean = sent.add(req)
    }
    val tickets = mutableListOf<String>()
    val refusals = mutableListOf<LaunchException>()
    val flow = LoginFlow(weChat, { tickets += it }, { refusals += it })
    fun exchanged(ticket: String): Boolean =
        post("$backend/login", "application/json", """{"ticket": ${jsonString(ticket)}}""").statusCode() == 200
    check("the guide's LoginFlow, release build: the request WeChat is sent, its answer, the ticket exchanged") {
        flow.start()
        val req = sent.single() as WXLaunchMiniProgram.Req
        expect(req.userName == "gh_a781a791e29e" && req.path == PATH) { "${req.userName} ${req.path}" }
        expect(req.miniprogramType == WXLaunchMiniProgram.Req.MINIPTOGRAM_TYPE_RELEASE) { "${req.miniprogramType}" }
        val answer = post(
            "$emulator/__emulator/mini-login",
            "application/json",
            """{"path": ${jsonString(req.path!!)}, "outcome": "approve"}""",
        )
        flow.onResp(WXLaunchMiniProgram.Resp().apply {
            errCode = field(answer.body(), "err_code")!!.toInt()
            extMsg = field(answer.body(), "ext_msg")
        })
        expect(tickets.size == 1 && refusals.isEmpty()) { "tickets ${tickets.size}, refusals $refusals" }
        expect(exchanged(tickets.removeAt(0))) { "the backend did not exchange the ticket" }
        flow.onResp(WXLaunchMiniProgram.Resp().apply { errCode = -2 })
        expect(tickets.isEmpty() && refusals.isEmpty()) { "a cancellation reached $tickets $refusals" }
    }
    check("the guide's LoginFlow, debug build: the emulator's page, its callback, the ticket exchanged") {
        val hostPort = URI.create(emulator).let { "${it.host}:${it.port}" }
        val page = flow.emulatorPage(hostPort)
        val shown = http.send(HttpRequest.newBuilder(URI.create(page)).build(), HttpResponse.BodyHandlers.ofString())
        expect(shown.statusCode() == 200) { "page: ${shown.statusCode()}" }
        for (outcome in listOf("approve", "refuse")) {
            val back = post(
                "$emulator/__emulator/mini-login/page",
                "application/x-www-form-urlencoded",
                form("outcome" to outcome, "path" to login.launchRequest().path, "redirect_uri" to "myapp://login"),
            )
            flow.onCallbackUrl(back.headers().firstValue("location").get())
        }
        expect(tickets.size == 1 && exchanged(tickets.single())) { "tickets ${tickets.size}" }
        expect(refusals.singleOrNull() is LaunchException.Refused) { "$refusals" }
    }

    if (args.contains("--bench")) bench(login)
    login.close()
    if (failures > 0) {
        println("$failures Kotlin check(s) failed")
        exitProcess(1)
    }
}

/// `parseResponse` called 100,000 times from Kotlin, timed, three rounds (the first
/// warms the JIT); the Rust side of the same loop is `examples/parse_loop.rs`.
fun bench(login: PhoneLogin) {
    val extMsg = "code=200&message=%E7%99%BB%E5%BD%95%E6%88%90%E5%8A%9F&ticket=3f9a1c0e7b2d4a6f8e1c3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a"
    repeat(3) { round ->
        val start = System.nanoTime()
        repeat(100_000) { login.parseResponse(0, extMsg).close() }
        val perCall = (System.nanoTime() - start) / 100_000.0
        println("bench kotlin parseResponse round ${round + 1}: %.0f ns per call".format(perCall))
    }
}
