using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace MarketDelivery.Server.Tests.Fuzz;

/// <summary>
/// Random and boundary input from a seeded <see cref="Random"/>: ids and texts that break naive code (blank, NUL and
/// other control characters, lone surrogates, very long, look-alike Unicode), and JSON bodies shaped after a .NET type
/// (so validation deeper than "is it JSON" is reached) with nulls, wrong types, huge and negative numbers and
/// impossible dates mixed in, plus bodies that are not what any endpoint expects at all.
/// </summary>
public sealed class InputFuzzer(int seed)
{
    private readonly Random _random = new(seed);
    private readonly List<string> _known = [];

    /// <summary>Hostile and boundary strings; real ids are added with <see cref="AddKnown"/> so deeper paths are reached.</summary>
    private static readonly string[] Strings =
    [
        "", " ", "   ", "\t", "\n", "\r\n", "\u0000", "a\u0000b", "\u0001", "\u001b[31m", "\u007f", "\u0085", "\u00a0", "\u200b", "\u202e",
        "\ufeff", "\ud800", "x\udc00", "🙂", "가나다", "ｏ-ａ", "-1", "0", "null", "true", "{}", "[]", "..", ".", "/", "\\", "%", "%00", "?", "#",
        "'; DROP TABLE orleansstorage; --", "<script>alert(1)</script>", "${jndi:x}", "o-", "o-aaaaaaaaaaaaaaaa", "o-aaaaaaaaaaaaaaaa-t1",
        "o-aaaaaaaaaaaaaaaa-t0", "o-aaaaaaaaaaaaaaaa-t99999999999", "-t1", "amsa", "amsa-chaeso", "mangwon", "2026-11-23-1500", "open", "OPEN", "1",
        new string('x', 100), new string('x', 101), new string('가', 1000), new string('a', 5000),
    ];

    private static readonly string[] WrongTypes = ["null", "[]", "{}", "\"x\"", "0", "-1", "true", "[null]", "{\"a\":null}"];

    private static readonly string[] Integers =
        ["0", "1", "2", "3", "-1", "-2147483648", "2147483647", "2147483648", "-9223372036854775809", "1e3", "1.5", "-0", "99999999999999999999999"];

    private static readonly string[] Doubles =
        ["0", "37.5535", "127.129", "-90.000001", "180.5", "1e308", "-1e308", "1e400", "-1e400", "5e-324", "\"NaN\"", "\"Infinity\"", "1"];

    public void AddKnown(params string[] ids) => _known.AddRange(ids);

    public int Next(int max) => _random.Next(max);

    public bool Chance(double p) => _random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A string for an id or text: known ids a third of the time, otherwise hostile ones.</summary>
    public string String() => _known.Count > 0 && Chance(0.35) ? Pick(_known) : Pick(Strings);

    /// <summary>The JSON text of a body for <paramref name="type"/> (null: no typed body), or something else entirely.</summary>
    public string Body(Type? type)
    {
        if (type is null || Chance(0.25))
        {
            return UntypedBody();
        }

        var sb = new StringBuilder();
        Write(sb, type, 0);
        return sb.ToString();
    }

    private string UntypedBody() => Next(14) switch
    {
        0 => "",
        1 => "null",
        2 => "{",
        3 => "[]",
        4 => "\"just a string\"",
        5 => new string('[', 5000) + new string(']', 5000),
        6 => string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300),
        7 => "{\"customerId\":\"" + new string('x', 200_000) + "\"}",
        8 => "{\"x\":\"" + new string('y', 300_000) + "\"}",
        9 => "{\"orderIds\":[" + string.Join(",", Enumerable.Repeat("null", 20_000)) + "]}",
        10 => "{\"lines\":1e400,\"lat\":-1e400}",
        11 => "{\"a\":1,\"a\":2,\"lines\":[{}],\"lines\":null}",
        12 => "{\"text\":\"\u0000\"}",
        _ => WrongTypes[Next(WrongTypes.Length)],
    };

    private void Write(StringBuilder sb, Type type, int depth)
    {
        if (depth > 5 || Chance(0.08))
        {
            sb.Append(Pick(WrongTypes));
            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            sb.Append(Quote(String()));
        }
        else if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            sb.Append(Pick(Integers));
        }
        else if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            sb.Append(Pick(Doubles));
        }
        else if (type == typeof(bool))
        {
            sb.Append(Chance(0.5) ? "true" : "false");
        }
        else if (type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeSpan))
        {
            sb.Append(Pick<string>(
            [
                JsonSerializer.Serialize(Support.MarketServer.DefaultNow.AddHours(_random.Next(-48, 48))),
                "\"0001-01-01T00:00:00+00:00\"", "\"9999-12-31T23:59:59+00:00\"", "\"2026-13-45T25:61:00Z\"", "\"tomorrow\"", "\"\"", "0",
            ]));
        }
        else if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(n => JsonSerializer.Serialize(JsonNamingPolicy.CamelCase.ConvertName(n))).ToList();
            names.AddRange(["\"rocket\"", "\"\"", "0", "99"]);
            sb.Append(Pick(names));
        }
        else if (ElementType(type) is { } element)
        {
            sb.Append('[');
            var count = Chance(0.1) ? 200 : Next(5);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                if (Chance(0.2))
                {
                    sb.Append("null");
                }
                else
                {
                    Write(sb, element, depth + 1);
                }
            }

            sb.Append(']');
        }
        else
        {
            WriteObject(sb, type, depth);
        }
    }

    private void WriteObject(StringBuilder sb, Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        IEnumerable<(string Name, Type Type)> members = constructor is { } c && c.GetParameters().Length > 0
            ? c.GetParameters().Select(p => (p.Name!, p.ParameterType))
            : type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => (p.Name, p.PropertyType));

        sb.Append('{');
        var first = true;
        foreach (var (name, memberType) in members)
        {
            if (Chance(0.12))
            {
                continue; // missing
            }

            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            sb.Append(JsonSerializer.Serialize(JsonNamingPolicy.CamelCase.ConvertName(name))).Append(':');
            if (Chance(0.1))
            {
                sb.Append("null");
            }
            else
            {
                Write(sb, memberType, depth + 1);
            }
        }

        if (Chance(0.1))
        {
            sb.Append(first ? "" : ",").Append("\"unexpected\":").Append(Pick(WrongTypes));
        }

        sb.Append('}');
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?
            .GetGenericArguments()[0];
    }

    /// <summary>A JSON string literal; everything outside printable ASCII is escaped, lone surrogates included.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\').Append(c);
            }
            else if (c < 0x20 || c >= 0x7f)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>A path segment for <paramref name="value"/>; a value that cannot be percent-encoded goes as raw bytes.</summary>
    public static string Segment(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            // A lone surrogate: a lenient client sends U+FFFD in its place.
            return string.Concat(value.Select(ch => ch < 0x80
                ? Uri.EscapeDataString(ch.ToString())
                : string.Concat(Encoding.UTF8.GetBytes(ch.ToString(CultureInfo.InvariantCulture)).Select(b => $"%{b:X2}"))));
        }
    }
}
