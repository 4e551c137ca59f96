using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;

namespace TryOn.Web.Errors;

internal static class ErrorHandlingExtensions
{
    public static IServiceCollection AddTryOnErrors(this IServiceCollection services)
    {
        services.AddSingleton<ApiExceptionHandler>();
        services.AddValidatorsFromAssemblyContaining<ApiExceptionHandler>(ServiceLifetime.Singleton, includeInternalTypes: true);
        // Body binding failures surface as BadHttpRequestException so that they reach the one error writer
        // instead of ending as an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // A number sent as a string is a type error, as the reference API's validation treats it.
        services.Configure<JsonOptions>(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        return services;
    }

    /// <summary>Request ids first, then the exception handler and bare-status envelopes around everything else.</summary>
    public static IApplicationBuilder UseTryOnErrors(this IApplicationBuilder app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ApiExceptionHandler.HandleAsync,
            SuppressDiagnosticsCallback = context => ApiExceptionHandler.IsClientFault(context.HttpContext, context.Exception),
        });
        app.UseStatusCodePages(StatusCodeErrors.WriteAsync);
        return app;
    }
}
