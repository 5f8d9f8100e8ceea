// Stand-ins for the WeChat OpenSDK classes `LoginFlow.kt` names, with the SDK's names
// and fields, so that kotlinc checks it without the Android SDK. Not the SDK.
package com.tencent.mm.opensdk.modelbase

open class BaseReq

open class BaseResp {
    @JvmField var errCode: Int = 0
}
