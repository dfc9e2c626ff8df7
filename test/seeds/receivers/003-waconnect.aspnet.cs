using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Mvc;
namespace WebhookReceiver.Controllers
{
[ApiController]
[Route("api/whatsapp/incoming")]
public class WhatsAppWebhookController : ControllerBase
{
// The same secret you provided to the WaConnect admin
private const string CallbackSecret = "your_secure_secret_phrase";
[HttpPost]
public async Task<IActionResult> ReceiveMessage()
{
// 1. Read the raw body
using var reader = new StreamReader(Request.Body);
var rawBody = await reader.ReadToEndAsync();
// 2. Verify the HMAC-SHA256 signature
if (Request.Headers.TryGetValue("X-Webhook-Signature", out var sigHeader))
{
var expected = ComputeHmacSha256(rawBody, CallbackSecret);
var provided = sigHeader.ToString().Replace("sha256=", "");
if (!string.Equals(expected, provided,
StringComparison.OrdinalIgnoreCase))
{
return Unauthorized("Invalid signature.");
}
}
// 3. Parse the payload
try
{
var doc = JsonDocument.Parse(rawBody);
var root = doc.RootElement;
if (root.GetProperty("event").GetString() == "message.received")
{
var msg = root.GetProperty("message");
var from = msg.GetProperty("from").GetString();
var type = msg.GetProperty("messageType").GetString();
Console.WriteLine($"Received {type} from {from}");
if (type == "text")
{
var text = msg.GetProperty("content")
.GetProperty("text").GetString();
Console.WriteLine($"Content: {text}");
}
// Process the message in your business logic
}
// 4. Always return 200 OK quickly
return Ok();
}
catch (Exception ex)
{
Console.WriteLine($"Error: {ex.Message}");
return BadRequest();
}
}
private static string ComputeHmacSha256(string payload, string secret)
{
var keyBytes = Encoding.UTF8.GetBytes(secret);
var msgBytes = Encoding.UTF8.GetBytes(payload);
using var hmac = new HMACSHA256(keyBytes);
var hash = hmac.ComputeHash(msgBytes);
return Convert.ToHexString(hash).ToLower();
}
}
}
