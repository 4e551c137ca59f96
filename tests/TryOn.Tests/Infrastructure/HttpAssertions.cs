using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TryOn.Tests.Infrastructure;

public static class HttpAssertions
{
    /// <summary>Asserts the error envelope of docs/errors.md and returns it for further checks.</summary>
    public static async Task<JsonElement> ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var envelope = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, envelope.GetProperty("code").GetString());
        Assert.Equal((int)status, envelope.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(envelope.GetProperty("message").GetString()));
        var requestId = envelope.GetProperty("requestId").GetString();
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, response.Headers.GetValues("x-request-id").Single());
        return envelope;
    }

    public static async Task<JsonElement> ShouldBeOkAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.Contains("x-request-id"));
        return JsonDocument.Parse(body).RootElement;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType));
}
