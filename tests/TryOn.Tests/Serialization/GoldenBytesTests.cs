using System.Collections;
using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using TryOn.Contracts.Accounts;
using TryOn.Grains.Accounts;
using TryOn.Tests.Infrastructure;

namespace TryOn.Tests.Serialization;

/// <summary>
/// Every type that crosses a grain boundary or is stored (every <c>[GenerateSerializer]</c> type of the domain) is
/// serialized from a sample with every member set and compared with the bytes stored beside this test
/// (<c>Serialization/Golden/&lt;alias&gt;.hex</c>), then the stored bytes are read back and written again unchanged. A renumbered
/// <c>[Id]</c>, a changed alias or member type, or a removed member fails here before it makes stored state or a
/// silo of the previous version unreadable. Adding a member changes the bytes on purpose: run the tests once with
/// <c>TRYON_ACCEPT_GOLDEN=1</c> and commit the new files (docs/architecture.md, "Serialization").
/// </summary>
public sealed class GoldenBytesTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private static readonly string GoldenDirectory = Path.Combine(Repository.Root, "tests", "TryOn.Tests", "Serialization", "Golden");

    public static TheoryData<string> Types()
    {
        var data = new TheoryData<string>();
        foreach (var type in SerializableTypes())
        {
            data.Add(AliasOf(type));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void The_bytes_of_a_grain_boundary_type_are_unchanged(string alias)
    {
        var type = SerializableTypes().Single(candidate => AliasOf(candidate) == alias);
        var bytes = Serialize(type, Samples.Of(type));
        var file = Path.Combine(GoldenDirectory, alias + ".hex");
        if (Environment.GetEnvironmentVariable("TRYON_ACCEPT_GOLDEN") == "1")
        {
            Directory.CreateDirectory(GoldenDirectory);
            File.WriteAllText(file, Convert.ToHexStringLower(bytes) + "\n");
        }

        Assert.True(File.Exists(file), $"No stored bytes for {type.FullName}: run the tests with TRYON_ACCEPT_GOLDEN=1 and commit {Path.GetFileName(file)}.");
        var golden = Convert.FromHexString(File.ReadAllText(file).Trim());

        // What was stored before a change must still be readable after it, whatever the change.
        var stored = Deserialize(type, golden);
        Assert.True(
            golden.AsSpan().SequenceEqual(bytes),
            $"{type.FullName} serializes differently from its stored bytes ({Path.GetFileName(file)}). A renumbered [Id] or a changed member type breaks stored state and mixed-version clusters; when the change is an added member, accept the new bytes with TRYON_ACCEPT_GOLDEN=1.");
        Assert.Equal(golden, Serialize(type, stored));
    }

    [Fact]
    public void Every_stored_file_belongs_to_a_type()
    {
        var aliases = SerializableTypes().Select(AliasOf).ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.EnumerateFiles(GoldenDirectory, "*.hex").Select(Path.GetFileNameWithoutExtension).Where(name => !aliases.Contains(name!)).ToList();
        Assert.True(orphans.Count == 0, $"Stored bytes without a type (renamed alias or removed type?): {string.Join(", ", orphans)}");
    }

    private static IEnumerable<Type> SerializableTypes() =>
        new[] { typeof(AccountSnapshot).Assembly, typeof(AccountState).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.GetCustomAttribute<GenerateSerializerAttribute>() is not null && !type.IsGenericTypeDefinition)
            .OrderBy(type => type.FullName, StringComparer.Ordinal);

    private static string AliasOf(Type type) => type.GetCustomAttribute<AliasAttribute>()?.Alias
        ?? throw new InvalidOperationException($"{type.FullName} has no [Alias]: a moved or renamed type would break what refers to it by name.");

    private static byte[] Serialize(Type type, object value)
    {
        var serializer = Services.GetRequiredService(typeof(Serializer<>).MakeGenericType(type));
        return (byte[])serializer.GetType().GetMethod("SerializeToArray", [type])!.Invoke(serializer, [value])!;
    }

    private static object Deserialize(Type type, byte[] bytes)
    {
        var serializer = Services.GetRequiredService(typeof(Serializer<>).MakeGenericType(type));
        return serializer.GetType().GetMethod("Deserialize", [typeof(byte[])])!.Invoke(serializer, [bytes])!;
    }

    /// <summary>
    /// Deterministic samples with every member set to a value that differs from its default, built from the member
    /// types alone, so a new member is covered without writing a sample for it.
    /// </summary>
    private static class Samples
    {
        private static readonly DateTimeOffset Time = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public static object Of(Type type) => Of(type, "x", depth: 0)!;

        private static object? Of(Type type, string name, int depth)
        {
            if (Nullable.GetUnderlyingType(type) is { } underlying)
            {
                return Of(underlying, name, depth);
            }

            if (type == typeof(string))
            {
                return name + "-1";
            }

            if (type == typeof(object))
            {
                return name + "-object";
            }

            if (type == typeof(bool))
            {
                return true;
            }

            if (type.IsEnum)
            {
                var values = Enum.GetValues(type);
                return values.GetValue(values.Length - 1);
            }

            if (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float) || type == typeof(short) || type == typeof(byte))
            {
                // From the member's name, not string.GetHashCode, which changes from one process to the next.
                return Convert.ChangeType(3 + (name.Sum(c => c) % 97), type, System.Globalization.CultureInfo.InvariantCulture);
            }

            if (type == typeof(DateTimeOffset))
            {
                return Time.AddMinutes(name.Length);
            }

            if (type == typeof(DateTime))
            {
                return Time.UtcDateTime.AddMinutes(name.Length);
            }

            if (type == typeof(TimeSpan))
            {
                return TimeSpan.FromSeconds(name.Length);
            }

            if (type == typeof(Guid))
            {
                return new Guid("00112233-4455-6677-8899-aabbccddeeff");
            }

            if (type == typeof(byte[]))
            {
                return new byte[] { 1, 2, 3 };
            }

            if (type == typeof(SiloAddress))
            {
                return SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 7);
            }

            if (depth > 6)
            {
                return null;
            }

            if (type.IsArray)
            {
                var array = Array.CreateInstance(type.GetElementType()!, 1);
                array.SetValue(Of(type.GetElementType()!, name + "0", depth + 1), 0);
                return array;
            }

            if (type.IsGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                var arguments = type.GetGenericArguments();
                if (definition == typeof(ImmutableArray<>))
                {
                    var create = typeof(ImmutableArray).GetMethods().Single(method => method.Name == nameof(ImmutableArray.Create) && method.GetParameters() is [{ ParameterType.IsGenericParameter: true }]);
                    return create.MakeGenericMethod(arguments).Invoke(null, [Of(arguments[0], name + "0", depth + 1)]);
                }

                if (definition == typeof(ImmutableDictionary<,>) || definition == typeof(IImmutableDictionary<,>))
                {
                    var empty = typeof(ImmutableDictionary<,>).MakeGenericType(arguments).GetField("Empty")!.GetValue(null)!;
                    return empty.GetType().GetMethod("Add")!.Invoke(empty, [Of(arguments[0], name + "k", depth + 1), Of(arguments[1], name + "v", depth + 1)]);
                }

                if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
                {
                    var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
                    dictionary.Add(Of(arguments[0], name + "k", depth + 1)!, Of(arguments[1], name + "v", depth + 1));
                    return dictionary;
                }

                if (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>))
                {
                    var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments))!;
                    list.Add(Of(arguments[0], name + "0", depth + 1));
                    return list;
                }

                if (definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>))
                {
                    var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(arguments))!;
                    set.GetType().GetMethod("Add")!.Invoke(set, [Of(arguments[0], name + "0", depth + 1)]);
                    return set;
                }
            }

            return Build(type, name, depth);
        }

        /// <summary>A record through its widest constructor, then every settable [Id] member (state classes) set.</summary>
        private static object Build(Type type, string name, int depth)
        {
            const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
            var constructor = type.GetConstructors(Members).OrderByDescending(candidate => candidate.GetParameters().Length).FirstOrDefault()
                ?? throw new InvalidOperationException($"No constructor to build a sample of {type.FullName}.");
            var instance = constructor.Invoke([.. constructor.GetParameters().Select(parameter => Of(parameter.ParameterType, $"{name}.{parameter.Name}", depth + 1))]);
            var given = constructor.GetParameters().Select(parameter => parameter.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var property in type.GetProperties(Members))
            {
                if (property.GetCustomAttribute<IdAttribute>() is not null && property.SetMethod is not null && !given.Contains(property.Name))
                {
                    property.SetValue(instance, Of(property.PropertyType, $"{name}.{property.Name}", depth + 1));
                }
            }

            foreach (var field in type.GetFields(Members))
            {
                if (field.GetCustomAttribute<IdAttribute>() is not null && !field.IsInitOnly)
                {
                    field.SetValue(instance, Of(field.FieldType, $"{name}.{field.Name}", depth + 1));
                }
            }

            return instance;
        }
    }
}
