import { aesKeyOf, decryptMessage, encryptMessage, msgSignature, msgSignatureOk } from '../../bots/oa-crypto';
import { wechatEncrypt, wechatOpenReply } from '../helpers/fake-wechat';

const ENCODING_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wxoa5ecure0000abcd';
const TOKEN = 'bangfuSecureToken';
const key = aesKeyOf(ENCODING_AES_KEY);

describe('official-account message encryption', () => {
  it('opens what WeChat encrypts, whatever the message’s length, Chinese included', () => {
    for (const message of ['', 'x', '<xml><Content><![CDATA[我想找离家近的活]]></Content></xml>', '工'.repeat(1000)]) {
      expect(decryptMessage(key, wechatEncrypt(ENCODING_AES_KEY, message, APP_ID), APP_ID)).toEqual({ ok: true, message });
    }
  });

  it('seals a reply WeChat can open: padded to 32-byte blocks, its app id at the end, signed', () => {
    const reply = '<xml><Content><![CDATA[回复数字看详情]]></Content></xml>';
    const sealed = encryptMessage(key, reply, APP_ID);
    expect(Buffer.from(sealed, 'base64').length % 32).toBe(0);
    const xml = `<xml><Encrypt><![CDATA[${sealed}]]></Encrypt><MsgSignature><![CDATA[${msgSignature(TOKEN, '1780000000', '42', sealed)}]]></MsgSignature><TimeStamp>1780000000</TimeStamp><Nonce><![CDATA[42]]></Nonce></xml>`;
    expect(wechatOpenReply({ token: TOKEN, appId: APP_ID, encodingAesKey: ENCODING_AES_KEY }, xml)).toBe(reply);
  });

  it('refuses a message for another app id, and ciphertext that was cut or changed', () => {
    expect(decryptMessage(key, wechatEncrypt(ENCODING_AES_KEY, '<xml/>', 'wxanother0000account'), APP_ID)).toEqual({ ok: false, reason: 'wrong_app' });
    const sealed = Buffer.from(wechatEncrypt(ENCODING_AES_KEY, '<xml><Content>hi</Content></xml>', APP_ID), 'base64');
    expect(decryptMessage(key, sealed.subarray(0, sealed.length - 5).toString('base64'), APP_ID).ok).toBe(false);
    const changed = Buffer.from(sealed);
    changed[changed.length - 1]! ^= 0xff;
    expect(decryptMessage(key, changed.toString('base64'), APP_ID).ok).toBe(false);
    expect(decryptMessage(key, 'not base64 at all', APP_ID).ok).toBe(false);
  });

  it('checks msg_signature over token, timestamp, nonce and ciphertext', () => {
    const sig = msgSignature(TOKEN, '1780000000', '42', 'CIPHER');
    expect(msgSignatureOk(TOKEN, '1780000000', '42', 'CIPHER', sig)).toBe(true);
    expect(msgSignatureOk(TOKEN, '1780000000', '42', 'CIPHER', sig.toUpperCase())).toBe(true);
    expect(msgSignatureOk(TOKEN, '1780000001', '42', 'CIPHER', sig)).toBe(false);
    expect(msgSignatureOk(TOKEN, '1780000000', '42', 'CIPHEr', sig)).toBe(false);
    expect(msgSignatureOk(TOKEN, '1780000000', '42', 'CIPHER', undefined)).toBe(false);
    expect(msgSignatureOk(TOKEN, '1780000000', '42', 'CIPHER', ['a'])).toBe(false);
  });
});
