// A stand-in for WeChat OpenSDK's class of that name (see BaseResp.kt). Not the SDK.
package com.tencent.mm.opensdk.modelbiz

import com.tencent.mm.opensdk.modelbase.BaseReq
import com.tencent.mm.opensdk.modelbase.BaseResp

class WXLaunchMiniProgram {
    class Req : BaseReq() {
        @JvmField var userName: String? = null
        @JvmField var path: String? = null
        @JvmField var miniprogramType: Int = MINIPTOGRAM_TYPE_RELEASE

        companion object {
            // The SDK's own spelling.
            const val MINIPTOGRAM_TYPE_RELEASE = 0
            const val MINIPROGRAM_TYPE_TEST = 1
            const val MINIPROGRAM_TYPE_PREVIEW = 2
        }
    }

    class Resp : BaseResp() {
        @JvmField var extMsg: String? = null
    }
}
