using System.Net;
using System.Net.Http.Json;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Errors;

/// <summary>Every class of failure answers the envelope of docs/errors.md with its 4xx/5xx status and a request id.</summary>
public sealed class ErrorEnvelopeTests(EmbeddedAppFixture fixture) : IClassFixture<EmbeddedAppFixture>
{
    [Theory]
    [InlineData("/tryon/v1/nope")]
    [InlineData("/tryon/v1/account/credits/extra")]
    [InlineData("/elsewhere")]
    public async Task Unknown_route_returns_ROUTE_NOT_FOUND(string path)
    {
        var response = await fixture.Anonymous.GetAsync(path);
        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ROUTE_NOT_FOUND");
    }

    [Fact]
    public async Task Wrong_method_returns_METHOD_NOT_ALLOWED_with_Allow_header()
    {
        var merchant = await fixture.CreateMerchantAsync();
        var response = await merchant.Client.DeleteAsync("/tryon/v1/account/credits");
        await response.ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Malformed_json_returns_INVALID_JSON()
    {
        var response = await fixture.Admin.PostRawAsync("/admin/v1/accounts", """{"name": "shop", """);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "INVALID_JSON");
    }

    [Fact]
    public async Task A_json_body_in_a_charset_nobody_can_read_returns_UNSUPPORTED_MEDIA_TYPE_not_a_server_error()
    {
        // Found by the fuzz suite: JSON binding threw InvalidOperationException, which answered 500.
        using var content = new StringContent("""{"name": "shop"}""");
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=nonsense");
        var response = await fixture.Admin.PostAsync("/admin/v1/accounts", content);
        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Wrong_json_type_returns_VALIDATION_FAILED_with_dotted_path()
    {
        var response = await fixture.Admin.PostRawAsync("/admin/v1/accounts", """{"name": "shop", "limits": {"writesPerMinute": "fast"}}""");
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var detail = Assert.Single(envelope.GetProperty("details").EnumerateArray());
        Assert.Equal("limits.writesPerMinute", detail.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Number_out_of_range_for_its_type_returns_VALIDATION_FAILED()
    {
        var response = await fixture.Admin.PostRawAsync("/admin/v1/accounts", """{"name": "shop", "credits": 99999999999999999999999}""");
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("credits", envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Rule_violations_list_one_detail_per_field()
    {
        var response = await fixture.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "", limits = new { readsPerMinute = 0 }, retentionDays = 5 });
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var paths = envelope.GetProperty("details").EnumerateArray().Select(detail => detail.GetProperty("path").GetString()).ToList();
        Assert.Equal(["name", "limits.readsPerMinute", "retentionDays"], paths);
    }

    [Fact]
    public async Task Missing_body_returns_VALIDATION_FAILED_at_the_root()
    {
        var response = await fixture.Admin.PostAsync("/admin/v1/accounts", new StringContent("", System.Text.Encoding.UTF8, "application/json"));
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal("", envelope.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Json_null_body_returns_VALIDATION_FAILED()
    {
        var response = await fixture.Admin.PostRawAsync("/admin/v1/accounts", "null");
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Wrong_content_type_returns_UNSUPPORTED_MEDIA_TYPE(string contentType)
    {
        var response = await fixture.Admin.PostRawAsync("/admin/v1/accounts", """{"name": "shop"}""", contentType);
        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Body_over_the_limit_returns_PAYLOAD_TOO_LARGE()
    {
        var name = new string('x', 2 * 1024 * 1024);
        // The client waits for the server's go-ahead before sending the body, so the early 413 is read rather than
        // racing the upload (which otherwise can end in a broken pipe on the client's side).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/accounts")
        {
            Content = new StringContent($$"""{"name": "{{name}}"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        var response = await fixture.Admin.SendAsync(request);
        await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=%%%", "cursor")]
    public async Task Bad_list_parameters_return_VALIDATION_FAILED_naming_the_parameter(string query, string path)
    {
        var response = await fixture.Admin.GetAsync($"/admin/v1/accounts?{query}");
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(path, envelope.GetProperty("details")[0].GetProperty("path").GetString());
        Assert.Contains("query parameter", envelope.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merchant_json_body_sent_form_encoded_as_curl_d_does_is_told_to_send_application_json()
    {
        var merchant = await fixture.CreateMerchantAsync();
        using var body = new StringContent("""{"products": [{"externalId": "x"}]}""", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await merchant.Client.PostAsync(new Uri("/tryon/v1/try-on", UriKind.Relative), body);
        var envelope = await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Contains("'Content-Type: application/json'", envelope.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_request_id_is_echoed_and_a_bad_one_is_replaced()
    {
        using var good = new HttpRequestMessage(HttpMethod.Get, "/tryon/v1/nope");
        good.Headers.Add("x-request-id", "shop-trace-42");
        var echoed = await fixture.Anonymous.SendAsync(good);
        var envelope = await echoed.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ROUTE_NOT_FOUND");
        Assert.Equal("shop-trace-42", envelope.GetProperty("requestId").GetString());

        using var bad = new HttpRequestMessage(HttpMethod.Get, "/tryon/v1/nope");
        bad.Headers.TryAddWithoutValidation("x-request-id", "<script>");
        var replaced = await fixture.Anonymous.SendAsync(bad);
        var replacedEnvelope = await replaced.ShouldBeErrorAsync(HttpStatusCode.NotFound, "ROUTE_NOT_FOUND");
        Assert.StartsWith("req_", replacedEnvelope.GetProperty("requestId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Successful_answers_carry_a_request_id()
    {
        var response = await fixture.Anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
    }
}
