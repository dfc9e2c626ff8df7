import crypto from "crypto";
export async function POST(req) {
const body = await req.text();
const signature = req.headers.get("x-wastack-signature");
const secret = process.env.WEBHOOK_SECRET;
const expected = crypto
.createHmac("sha256", secret)
.update(body)
.digest("hex");
if (signature !== `sha256=${expected}`) {
return new Response("Invalid signature", { status: 401 });
}
const event = JSON.parse(body);
// Process event...
return new Response("OK", { status: 200 });
}
