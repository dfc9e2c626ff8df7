import express from 'express';
import { createHmac } from 'crypto';
const app = express();
app.use(express.json());
const SIGNING_SECRET = 'your-signing-secret';
app.post('/webhook', (req, res) => {
// Verify signature
const signature = req.headers['x-wahooks-signature'] as string;
const timestamp = req.headers['x-wahooks-timestamp'] as string;
const body = JSON.stringify(req.body);
const expected = 'sha256=' + createHmac('sha256', SIGNING_SECRET)
.update(`${timestamp}.${body}`)
.digest('hex');
if (signature !== expected) {
return res.status(401).send('Invalid signature');
}
// Process the event
const { event, payload } = req.body;
console.log(`Received ${event}:`, payload.body);
res.sendStatus(200);
});
app.listen(3000);
