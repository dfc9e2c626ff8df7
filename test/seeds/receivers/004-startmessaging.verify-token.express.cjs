app.get('/webhooks/whatsapp', (req, res) => {
const mode = req.query['hub.mode'];
const challenge = req.query['hub.challenge'];
const token = req.query['hub.verify_token'];
if (mode === 'subscribe' && token === process.env.WEBHOOK_SECRET) {
res.status(200).send(challenge);
} else {
res.status(403).send('Forbidden');
}
});
