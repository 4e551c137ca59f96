using System.Net;
using TryOn.Client;
using TryOn.Client.Errors;
using TryOn.Client.Generations;
using TryOn.Client.Products;

namespace TryOn.Tests.Client;

/// <summary>Error answers become <see cref="TryOnApiException"/> with the envelope's code, status, details and request id, thrown without a retry.</summary>
public sealed class ClientErrorTests(ClientAppFixture fixture) : IClassFixture<ClientAppFixture>
{
    [Fact]
    public async Task A_validation_failure_is_thrown_at_once_with_the_offending_fields()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out var attempts);

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.UpsertProductAsync(new ProductInput
        {
            ExternalId = "bad-url",
            Title = "Shirt",
            Images = [new ProductImageInput { Source = new ProductImageSource { Url = "not a url" } }],
        }));

        Assert.Equal(TryOnErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains(error.FieldErrors, field => field.Path == "images.0.source.url");
        Assert.False(string.IsNullOrEmpty(error.RequestId));
        Assert.Equal(1, attempts.Count);
    }

    [Fact]
    public async Task A_wrong_key_is_invalid_and_not_retried()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, "gk_not_a_key_of_ours", out var attempts);

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.GetCreditsAsync());

        Assert.Equal(TryOnErrorCodes.InvalidApiKey, error.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(1, attempts.Count);
    }

    [Fact]
    public async Task Unknown_resources_are_their_not_found_codes()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(), out _);

        Assert.Equal(TryOnErrorCodes.GenerationNotFound, (await Assert.ThrowsAsync<TryOnApiException>(() => client.GetGenerationAsync("gen_01jz0000000000000000000000"))).Code);
        Assert.Equal(TryOnErrorCodes.ImageNotFound, (await Assert.ThrowsAsync<TryOnApiException>(() => client.GetImageAsync("img_01jz0000000000000000000000"))).Code);
        var product = await Assert.ThrowsAsync<TryOnApiException>(() => client.StartTryOnAsync(TryOnRequest.ForProduct("no-such-product", ImageSource.FromUrl(new Uri(fixture.Images.Serve("unknown.png", fixture.Images.Image))))));
        Assert.Equal(TryOnErrorCodes.ProductNotFound, product.Code);
        Assert.Equal(HttpStatusCode.NotFound, product.Status);
    }

    [Fact]
    public async Task Insufficient_credits_carry_their_details_and_are_not_retried()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(credits: 0), out var attempts);
        await fixture.MockProductAsync(client, "mock-broke");
        var before = attempts.Count;

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.StartTryOnAsync(
            TryOnRequest.ForProduct("mock-broke", ImageSource.FromUrl(new Uri(fixture.Images.Serve("broke.png", fixture.Images.Image))))));

        Assert.Equal(TryOnErrorCodes.InsufficientCredits, error.Code);
        Assert.Equal(HttpStatusCode.PaymentRequired, error.Status);
        Assert.Equal(0, error.Details!.Value.GetProperty("creditBalance").GetInt64());
        Assert.Equal(1, attempts.Count - before);
    }

    [Fact]
    public async Task A_monthly_cap_is_not_retried_for_it_does_not_pass_by_itself()
    {
        var client = ClientAppFixture.Client(fixture.BaseAddress, await fixture.ApiKeyAsync(limits: new { monthlyGenerations = 1 }), out var attempts);
        await fixture.MockProductAsync(client, "mock-cap");
        var person = ImageSource.FromUrl(new Uri(fixture.Images.Serve("cap.png", fixture.Images.Image)));
        await client.StartTryOnAsync(TryOnRequest.ForProduct("mock-cap", person));
        var before = attempts.Count;

        var error = await Assert.ThrowsAsync<TryOnApiException>(() => client.StartTryOnAsync(TryOnRequest.ForProduct("mock-cap", person)));

        Assert.Equal(TryOnErrorCodes.QuotaExceeded, error.Code);
        Assert.Equal("monthlyGenerations", error.Details!.Value.GetProperty("quota").GetString());
        Assert.Equal(1, attempts.Count - before);
    }

    [Fact]
    public async Task Options_without_an_address_or_a_key_are_refused_when_the_client_is_made()
    {
        Assert.Throws<InvalidOperationException>(() => TryOnClient.Create(new TryOnClientOptions { ApiKey = "gk_x" }));
        Assert.Throws<InvalidOperationException>(() => TryOnClient.Create(new TryOnClientOptions { BaseAddress = fixture.BaseAddress }));
        Assert.Throws<InvalidOperationException>(() => TryOnClient.Create(new TryOnClientOptions { BaseAddress = new Uri("/relative", UriKind.Relative), ApiKey = "gk_x" }));
        var client = TryOnClient.Create(new TryOnClientOptions { BaseAddress = fixture.BaseAddress, ApiKey = await fixture.ApiKeyAsync(credits: 7) });
        Assert.Equal(7, (await client.GetCreditsAsync()).CreditBalance);
    }
}
