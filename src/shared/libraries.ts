/**
 * Libraries that most processes, and most requests, never need: each is loaded the first time it is
 * asked for instead of at start. Every process (and every test file, which loads the modules afresh)
 * starts sooner: exceljs and the two SMS providers' SDKs took about 0.6 s of CPU to load, before anything
 * was asked of them. `require` keeps one meaning (the package's own exports) in the compiled service, under
 * tsx and under jest alike, which a dynamic `import()` of a CommonJS package does not.
 */

/** Workbooks (.xlsx) for the forms, reports, exports and import reports. */
export function excel(): typeof import('exceljs') {
  return require('exceljs') as typeof import('exceljs');
}

/** Tencent Cloud's SMS API client (SendSms and PullSmsSendStatus, 2021-01-11). */
export function tencentSms(): typeof import('tencentcloud-sdk-nodejs-sms').sms {
  return (require('tencentcloud-sdk-nodejs-sms') as typeof import('tencentcloud-sdk-nodejs-sms')).sms;
}

/** Alibaba Cloud's SMS API client (2017-05-25) and its configuration. */
export function aliyunSms() {
  const api = require('@alicloud/dysmsapi20170525') as typeof import('@alicloud/dysmsapi20170525');
  const core = require('@alicloud/openapi-core') as typeof import('@alicloud/openapi-core');
  return { Client: api.default, SendSmsRequest: api.SendSmsRequest, QuerySendDetailsRequest: api.QuerySendDetailsRequest, Config: core.$OpenApiUtil.Config };
}
