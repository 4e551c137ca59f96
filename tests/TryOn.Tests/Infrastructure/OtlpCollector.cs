using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TryOn.Tests.Infrastructure;

/// <summary>One span as an OTLP exporter sent it: the service that made it, its ids and its name.</summary>
public sealed record CollectedSpan(string Service, string TraceId, string SpanId, string? ParentSpanId, string Name);

/// <summary>
/// A collector for what the services export over OTLP/HTTP with protobuf (<c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>),
/// on 127.0.0.1: it keeps every span of <c>POST /v1/traces</c> (service name, trace id, span id, parent, name, read
/// from the protobuf wire format of opentelemetry-proto's <c>ExportTraceServiceRequest</c>) and answers every export,
/// metrics and logs too, with 200. Stopped on dispose.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();

    private OtlpCollector(WebApplication app) => _app = app;

    public IReadOnlyCollection<CollectedSpan> Spans => _spans;

    /// <summary>Starts a collector on <paramref name="port"/> of 127.0.0.1.</summary>
    public static async Task<OtlpCollector> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            foreach (var span in ReadExport(body.ToArray()))
            {
                collector._spans.Enqueue(span);
            }

            return Results.Ok();
        });
        app.MapPost("/v1/{signal}", () => Results.Ok());
        await app.StartAsync();
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>ExportTraceServiceRequest: 1 resource_spans (ResourceSpans: 1 resource, 2 scope_spans (ScopeSpans: 2 spans)).</summary>
    private static List<CollectedSpan> ReadExport(byte[] export)
    {
        var spans = new List<CollectedSpan>();
        foreach (var resourceSpans in Fields(export).Where(field => field.Number == 1).Select(field => field.Bytes))
        {
            var fields = Fields(resourceSpans).ToList();
            var service = fields.Where(field => field.Number == 1).Select(field => ServiceName(field.Bytes)).FirstOrDefault() ?? "";
            foreach (var scopeSpans in fields.Where(field => field.Number == 2).Select(field => field.Bytes))
            {
                foreach (var span in Fields(scopeSpans).Where(field => field.Number == 2).Select(field => Fields(field.Bytes).ToList()))
                {
                    string? Hex(int number) => span.Where(field => field.Number == number && field.Bytes.Length > 0).Select(field => Convert.ToHexStringLower(field.Bytes)).FirstOrDefault();
                    var name = span.Where(field => field.Number == 5).Select(field => System.Text.Encoding.UTF8.GetString(field.Bytes)).FirstOrDefault() ?? "";
                    spans.Add(new CollectedSpan(service, Hex(1) ?? "", Hex(2) ?? "", Hex(4), name));
                }
            }
        }

        return spans;
    }

    /// <summary>Resource: 1 attributes (KeyValue: 1 key, 2 value (AnyValue: 1 string_value)); the value of <c>service.name</c>.</summary>
    private static string? ServiceName(byte[] resource)
    {
        foreach (var attribute in Fields(resource).Where(field => field.Number == 1).Select(field => Fields(field.Bytes).ToList()))
        {
            var key = attribute.Where(field => field.Number == 1).Select(field => System.Text.Encoding.UTF8.GetString(field.Bytes)).FirstOrDefault();
            if (key == "service.name")
            {
                return attribute.Where(field => field.Number == 2)
                    .SelectMany(field => Fields(field.Bytes))
                    .Where(field => field.Number == 1)
                    .Select(field => System.Text.Encoding.UTF8.GetString(field.Bytes))
                    .FirstOrDefault();
            }
        }

        return null;
    }

    private readonly record struct Field(int Number, byte[] Bytes);

    /// <summary>The fields of one protobuf message; only length-delimited ones carry bytes, the others are skipped.</summary>
    private static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Protobuf wire type {tag & 7} is not used by OTLP.");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var next = message[position++];
            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
