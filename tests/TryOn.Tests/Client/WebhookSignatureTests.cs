using System.Text;
using Microsoft.Extensions.Time.Testing;
using TryOn.Client.Webhooks;

namespace TryOn.Tests.Client;

/// <summary>The client's webhook signature check against the server's signer (src/Grains/Webhooks), and its refusals.</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"generation.completed","createdAt":"2026-12-06T02:02:22+00:00","data":{"generationId":"gen_1","status":"COMPLETED","createdAt":"2026-12-06T02:02:20+00:00","updatedAt":"2026-12-06T02:02:22+00:00","progress":1,"productExternalId":"shirt-1","resultImageUrl":"/files/x"}}""");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 2, 2, 30, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    private static string ServerHeader(DateTimeOffset at, byte[] body) => TryOn.Grains.Webhooks.WebhookSignature.Header(Secret, at.ToUnixTimeSeconds(), body);

    [Fact]
    public void The_server_signature_verifies_and_the_event_reads()
    {
        Assert.Equal(WebhookSignatureVerdict.Valid, WebhookSignature.Verify(ServerHeader(Now, Body), Body, Secret, _clock));

        var received = WebhookEvent.Parse(Body, ServerHeader(Now, Body), Secret, _clock);
        Assert.Equal("evt_1", received.Id);
        Assert.Equal(WebhookEventTypes.GenerationCompleted, received.Type);
        Assert.Equal(TryOn.Client.Generations.GenerationStatus.Completed, received.Data.Status);
        Assert.Equal(ServerHeader(Now, Body), WebhookSignature.Sign(Secret, Now, Body));
    }

    [Fact]
    public void Another_secret_or_a_changed_body_is_a_mismatch()
    {
        var header = ServerHeader(Now, Body);
        Assert.Equal(WebhookSignatureVerdict.Mismatch, WebhookSignature.Verify(header, Body, "whsec_other", _clock));
        var changed = (byte[])Body.Clone();
        changed[^3] ^= 1;
        Assert.Equal(WebhookSignatureVerdict.Mismatch, WebhookSignature.Verify(header, changed, Secret, _clock));
        Assert.Equal(WebhookSignatureVerdict.Mismatch, WebhookSignature.Verify(header.ToUpperInvariant().Replace("T=", "t=", StringComparison.Ordinal).Replace("V1=", "v1=", StringComparison.Ordinal), Body, Secret, _clock));
    }

    [Fact]
    public void An_old_signature_is_refused_as_a_replay()
    {
        var header = ServerHeader(Now - TimeSpan.FromMinutes(6), Body);
        Assert.Equal(WebhookSignatureVerdict.OutsideTolerance, WebhookSignature.Verify(header, Body, Secret, _clock));
        Assert.Equal(WebhookSignatureVerdict.Valid, WebhookSignature.Verify(header, Body, Secret, _clock, TimeSpan.FromMinutes(10)));
        var refused = Assert.Throws<WebhookSignatureException>(() => WebhookEvent.Parse(Body, header, Secret, _clock));
        Assert.Equal(WebhookSignatureVerdict.OutsideTolerance, refused.Verdict);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=abc")]
    [InlineData("t=1764986550")]
    public void A_malformed_header_is_refused(string? header) =>
        Assert.Equal(WebhookSignatureVerdict.Malformed, WebhookSignature.Verify(header, Body, Secret, _clock));
}
