namespace TryOn.Web.Authentication;

internal static class ApiKeyDefaults
{
    public const string AuthenticationScheme = "ApiKey";
    public const string HeaderName = "x-api-key";
}
