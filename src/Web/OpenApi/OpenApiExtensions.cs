using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TryOn.Contracts.Errors;
using TryOn.Contracts.Generations;
using TryOn.Contracts.Idempotency;
using TryOn.Contracts.Paging;
using TryOn.Hosting.Files;
using TryOn.Hosting.Generations;
using TryOn.Web.Authentication;
using TryOn.Web.Errors;
using TryOn.Web.Idempotency;
using TryOn.Web.TryOn;

namespace TryOn.Web.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and an interactive reference at <c>/docs</c>.</summary>
internal static class OpenApiExtensions
{
    public static IServiceCollection AddTryOnOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .InlineSchemasOf(typeof(JsonElement))
            .AddDocumentTransformer<SecuritySchemes>()
            .AddDocumentTransformer<PublicServer>()
            .AddDocumentTransformer<Sections>()
            .AddDocumentTransformer<InlineFiles>()
            .AddOperationTransformer<SecurityRequirements>()
            .AddOperationTransformer<QueryParameterTypes>()
            .AddSchemaTransformer<WireSchemas>()
            .AddSchemaTransformer<ClosedValueSets>()
            .AddOperationTransformer<IdempotencyKeyHeader>()
            .AddOperationTransformer<RequestBodies>()
            .AddOperationTransformer<ErrorResponses>());

    /// <summary>Schemas written where they are used, not as components: any JSON (<c>metadata</c>) is not a type of its own.</summary>
    private static OpenApiOptions InlineSchemasOf(this OpenApiOptions options, params Type[] types)
    {
        options.CreateSchemaReferenceId = type =>
            types.Contains(Nullable.GetUnderlyingType(type.Type) ?? type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        return options;
    }

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

    /// <summary>
    /// The sections (tags) in the order a merchant reads them, each with what it is for; the admin API last.
    /// </summary>
    private sealed class Sections : IOpenApiDocumentTransformer
    {
        private static readonly (string Name, string Description)[] Ordered =
        [
            ("Try-on", "Start a generation (a product on a shopper photo), then poll it until it is COMPLETED or FAILED; list the account's generations."),
            ("Products", "The garments to try on: create or update one by your externalId, with images by URL or upload; list, read, delete, and per-product stats."),
            ("Images", "Store a shopper photo once (cut to 4:5 around the person) and use it in try-ons by its id."),
            ("Account", "The credits behind your API key, the account's limits and usage."),
            ("Billing", "Buy credit packs through Stripe Checkout, when the operator has configured billing; Stripe's webhook."),
            ("Customers", "Erase an end user: their photos and results are deleted, their generations stay anonymised."),
            ("Webhooks", "Endpoints that receive signed generation.completed and generation.failed events, retried for 24 h; their deliveries."),
            ("Files", "Signed links to stored images and results; they need no key."),
            ("Admin", "The operator's API (Authorization: Bearer with the admin token): accounts, keys, credits, the ledger, the logo."),
        ];

        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            var used = document.Paths.Values
                .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
                .SelectMany(operation => operation.Tags?.AsEnumerable() ?? [])
                .Select(tag => tag.Name)
                .ToHashSet(StringComparer.Ordinal);
            document.Tags = new HashSet<OpenApiTag>(Ordered
                .Where(section => used.Contains(section.Name))
                .Select(section => new OpenApiTag { Name = section.Name, Description = section.Description }));
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A file in an answer (an image behind a signed link) is written in place as a binary string, not as a component
    /// that the framework names after <c>IFormFile</c>.
    /// </summary>
    private sealed class InlineFiles : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            if (document.Components?.Schemas is not { } components)
            {
                return Task.CompletedTask;
            }

            var files = components.Where(entry => entry.Value is { Type: JsonSchemaType.String, Format: "binary" }).Select(entry => entry.Key).ToHashSet(StringComparer.Ordinal);
            var contents = document.Paths.Values
                .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
                .SelectMany(operation => operation.Responses?.Values.AsEnumerable() ?? [])
                .SelectMany(response => response.Content?.Values.AsEnumerable() ?? []);
            foreach (var content in contents)
            {
                if (content.Schema is OpenApiSchemaReference { Reference.Id: { } id } && files.Contains(id))
                {
                    content.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                }
            }

            foreach (var id in files)
            {
                components.Remove(id);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Each operation names the scheme it needs: the API key for the merchant API, the admin token for the admin API.</summary>
    private sealed class SecurityRequirements : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(data => data.Policy).ToHashSet(StringComparer.Ordinal);
            var scheme = policies.Contains(AuthorizationPolicies.Admin) ? AdminTokenDefaults.AuthenticationScheme
                : policies.Contains(AuthorizationPolicies.Merchant) ? ApiKeyDefaults.AuthenticationScheme
                : null;
            if (scheme is not null)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Query parameters the endpoints read as raw strings (so that a bad value is a <c>VALIDATION_FAILED</c> naming it)
    /// are described as what they must be: <c>limit</c> an integer from 1 to 200 (default 50), the generations list's
    /// <c>status</c> one of the statuses.
    /// </summary>
    private sealed class QueryParameterTypes : IOpenApiOperationTransformer
    {
        public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(parameter => parameter.In == ParameterLocation.Query) ?? [])
            {
                parameter.Schema = parameter.Name switch
                {
                    "limit" => new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Minimum = "1",
                        Maximum = PageRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(PageRequest.DefaultLimit),
                    },
                    "status" => ClosedValueSets.Statuses(),
                    _ => parameter.Schema,
                };
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Values from a closed set are listed as such: a generation's <c>status</c>, and the error <c>code</c> of the
    /// envelope and of a failed generation (the catalogue's codes, docs/errors.md).
    /// </summary>
    private sealed class ClosedValueSets : IOpenApiSchemaTransformer
    {
        public static OpenApiSchema Statuses() => Closed(Enum.GetNames<GenerationStatus>().Select(name => name.ToUpperInvariant()));

        private static OpenApiSchema Closed(IEnumerable<string> values) =>
            new() { Type = JsonSchemaType.String, Enum = [.. values.Select(value => (JsonNode)JsonValue.Create(value))] };

        public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            var type = context.JsonTypeInfo.Type;
            if (schema.Properties is not { } properties)
            {
                return Task.CompletedTask;
            }

            if (type == typeof(GenerationResponse) || type == typeof(GenerationListItem))
            {
                properties["status"] = Statuses();
                properties["errorCode"] = Closed(ErrorCatalog.All.Select(definition => definition.Code));
            }
            else if (type == typeof(TryOnStartedResponse))
            {
                properties["status"] = Statuses();
            }
            else if (type == typeof(ErrorEnvelope))
            {
                properties["code"] = Closed(ErrorCatalog.All.Select(definition => definition.Code));
            }

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
                Description = "Virtual try-on generations. Merchant calls under `/tryon/v1` send the header `x-api-key` with an API key; the admin API under `/admin/v1` sends `Authorization: Bearer` followed by the admin token.",
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
