using System.Net;
using FluentValidation;
using Microsoft.Extensions.Options;
using TryOn.Contracts.Webhooks;
using TryOn.Pipeline.Fetching;

namespace TryOn.Web.Webhooks;

/// <summary>The body of <c>POST /webhook-endpoints</c>.</summary>
internal sealed record WebhookEndpointRequest(string? Url, List<string?>? Events);

/// <summary>
/// An endpoint URL passes the image URLs' rules (absolute, no credentials, the allowed ports, no loopback or private
/// address) and must be https, all relaxed by <c>Fetch:AllowPrivateNetworks</c> for local testing. An address written in
/// the URL is judged here; a host name is judged by the address it resolves to each time a delivery connects.
/// </summary>
internal sealed class WebhookEndpointRequestValidator : AbstractValidator<WebhookEndpointRequest>
{
    public WebhookEndpointRequestValidator(IOptions<SafeImageFetcherOptions> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        var rules = fetch.Value;
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(request => request.Url).NotEmpty().WithMessage("Required")
            .MaximumLength(ImageUrls.MaxLength)
            .Must(url => ProblemWith(url!, rules) is null).WithMessage((_, url) => ProblemWith(url!, rules));
        RuleFor(request => request.Events).NotEmpty()
            .WithMessage($"Required: an array of one or more of {string.Join(", ", WebhookEvents.All)}.");
        RuleForEach(request => request.Events).Must(type => type is not null && WebhookEvents.All.Contains(type))
            .WithMessage($"Expected one of: {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(request => request.Events).Must(events => events!.Distinct(StringComparer.Ordinal).Count() == events!.Count)
            .When(request => request.Events is { Count: > 0 })
            .WithMessage("Name each event once.");
    }

    /// <summary>What is wrong with <paramref name="url"/> as an endpoint, or null.</summary>
    internal static string? ProblemWith(string url, SafeImageFetcherOptions rules)
    {
        if (!ImageUrls.TryParse(url, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return "Expected an absolute https URL without credentials.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !rules.AllowPrivateNetworks)
        {
            return "Expected an https URL.";
        }

        if (!rules.AllowsPort(uri.Port))
        {
            return $"Expected the port to be one of {string.Join(", ", rules.AllowedPorts.Order())}.";
        }

        var host = uri.IdnHost.Trim('[', ']');
        var refused = IPAddress.TryParse(host, out var address)
            ? !GuardedConnection.RuleOf(rules)(address)
            : !rules.AllowPrivateNetworks && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase));
        return refused ? "The URL points to a loopback, private or reserved address, which the server may not call." : null;
    }
}
