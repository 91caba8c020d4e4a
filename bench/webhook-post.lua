-- wrk script for ceiling (a): POST a typical webhook, as the service sends it, to the receiver.
-- The body is a device-provisioned event of the size the benchmark's provisions produce; the headers are
-- those of a signed delivery (the receiver reads webhook-id and the body, as in the end-to-end runs).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "iot-webhooks/bench"
wrk.headers["webhook-id"] = "6b0ab1b8-9d0e-4a55-9a57-2b1f0b8c8a01"
wrk.headers["webhook-timestamp"] = "1764330000"
wrk.headers["webhook-signature"] = "v1,K5oZfzN9L7p1bX6e3q6k0bQm1a0tq8r2bqK0l5z7c1E="
wrk.headers["X-Men-Algorithm"] = "MEN-HMAC-SHA256-Payload"
wrk.headers["X-Men-Signature"] = "f6493416bc5db7ce6c48d4b439943d7d6fcda7d114baeef10d51d4720dbf662d"
wrk.body = '{"id":"6b0ab1b8-9d0e-4a55-9a57-2b1f0b8c8a01","type":"device-provisioned","data":{"id":"p-1",'
  .. '"status":"pending","auth_sets":[{"id":"0d6c1b9e-4c59-4d3e-9a8e-2f7a7d0c9b11","device_id":"p-1",'
  .. '"identity_data":{"mac":"00:11:22:33:44:55","sku":"bench-1"},"pubkey":"-----BEGIN PUBLIC KEY-----\\n'
  .. 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzogVU7RGDilbsoUt/DdHVJvcepl0A5+xzGQ50cq1VE/Dyyy8Zp0jzRXC'
  .. 'nnu9nu395mAFSZGotZVr+sWEpO3cPrO79tSTmQWD5OylzOYBkYkqL6OpbJfLmkqs\\n-----END PUBLIC KEY-----\\n",'
  .. '"status":"pending"}],"created_ts":"2024-01-01T00:00:00Z"},"time":"2026-11-28T12:00:00.123456789Z"}'
