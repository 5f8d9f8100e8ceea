// A stand-in for WeChat OpenSDK's interface of that name (see BaseResp.kt). Not the SDK.
package com.tencent.mm.opensdk.openapi

import com.tencent.mm.opensdk.modelbase.BaseReq

interface IWXAPI {
    fun sendReq(req: BaseReq): Boolean
}
