using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TryOn.Contracts.Idempotency;
using TryOn.Web.Authentication;
using TryOn.Web.Hosting;
using TryOn.Web.Idempotency;

namespace TryOn.Web.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and an interactive reference at <c>/docs</c>.</summary>
internal static class OpenApiExtensions
{
    public static IServiceCollection AddTryOnOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer<SecuritySchemes>()
            .AddDocumentTransformer<PublicServer>()
            .AddOperationTransformer<IdempotencyKeyHeader>());

    public static IEndpointRouteBuilder MapTryOnOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        endpoints.MapApiReference();
        return endpoints;
    }

    /// <summary>
    /// One <c>servers</c> entry, the public origin (<see cref="PublicOrigin"/>) or <c>/</c> (this document's own
    /// origin), instead of the framework's default, which copies the request's <c>Host</c> header.
    /// </summary>
    private sealed class PublicServer(PublicOrigin origin) : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Servers = [new OpenApiServer { Url = origin.Value is { Length: > 0 } value ? value : "/" }];
            return Task.CompletedTask;
        }
    }

    /// <summary>The optional <c>Idempotency-Key</c> header on the operations that honour it (docs/api.md).</summary>
    private sealed class IdempotencyKeyHeader : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotentEndpointMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKeys.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: the same request with the same key within 24 h answers what the first one answered, "
                        + "and spends nothing more. Another request with the key: 422 IDEMPOTENCY_KEY_REUSED; while the first still runs: 409 IDEMPOTENCY_KEY_IN_USE.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKeys.MaxLength },
                });
            }

            return Task.CompletedTask;
        }
    }

    private sealed class SecuritySchemes : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info = new OpenApiInfo
            {
                Title = "TryOn API",
                Version = "v1",
                Description = "Virtual try-on generations. Merchant calls under /tryon/v1 send x-api-key; the admin API under /admin/v1 sends 'Authorization: Bearer <admin token>'.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyDefaults.AuthenticationScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyDefaults.HeaderName,
                Description = "Merchant API key (gk_…).",
            };
            document.Components.SecuritySchemes[AdminTokenDefaults.AuthenticationScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Admin token (configuration key Admin:Token).",
            };
            return Task.CompletedTask;
        }
    }
}
