const crypto = require('crypto');

function verifySignature(rawBody, signature, secret) {
  const expected = crypto
    .createHmac('sha256', secret)
    .update(rawBody)
    .digest('hex');
  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(expected)
  );
}

app.post('/webhook', (req, res) => {
  const signature = req.headers['x-webhook-signature'];
  const valid = verifySignature(req.rawBody, signature, process.env.WEBHOOK_SECRET);

  if (!valid) return res.status(401).send('Invalid signature');

  // Process the event...
  res.status(200).send('OK');
});
