using System.Collections.Immutable;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MarketDelivery.Server.Api;

/// <summary>
/// The one set of rules for text that arrives from outside (HTTP paths, bodies, hub arguments), checked before any
/// grain is addressed. An <b>id</b> (order, stall, ticket, courier, market, slot, sku, customer…) is 1 to
/// <see cref="MaxIdLength"/> characters with no white space, no control characters (NUL included) and no broken
/// UTF-16. A <b>free text</b> (address, reason, name, delivery code, photo reference…) is at most
/// <see cref="MaxTextLength"/> characters and may hold line breaks and tabs but no other control characters.
/// PostgreSQL refuses NUL in text and a lone surrogate cannot be encoded, so either would otherwise fail deep in
/// storage as a 500.
/// </summary>
public static class InputRules
{
    public const int MaxIdLength = 100;
    public const int MaxTextLength = 1000;

    /// <summary>Why <paramref name="value"/> is not an id, or null when it is one.</summary>
    public static string? IdProblem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "An id is required.";
        }

        if (value.Length > MaxIdLength)
        {
            return $"An id is at most {MaxIdLength} characters.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c) || IsFormatControl(c))
            {
                return $"An id has no spaces or control characters (found U+{(int)c:X4} at {i}).";
            }

            if (BrokenSurrogate(value, ref i))
            {
                return "An id must be valid Unicode text.";
            }
        }

        return null;
    }

    /// <summary>Why <paramref name="value"/> is not acceptable free text, or null when it is.</summary>
    public static string? TextProblem(string? value, bool required = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? "This text is required." : null;
        }

        if (value.Length > MaxTextLength)
        {
            return $"A text is at most {MaxTextLength} characters.";
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return $"A text may not contain control characters (found U+{(int)c:X4} at {i}).";
            }

            if (BrokenSurrogate(value, ref i))
            {
                return "A text must be valid Unicode.";
            }
        }

        return null;
    }

    /// <summary>Starts collecting problems with a request's fields.</summary>
    public static InputCheck Check() => new();

    // Zero-width and bidirectional marks make two ids look equal while they differ.
    private static bool IsFormatControl(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    // True when value[i] is half of a surrogate pair without its other half; skips over a whole pair.
    private static bool BrokenSurrogate(string value, ref int i)
    {
        if (char.IsHighSurrogate(value[i]))
        {
            if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                return false;
            }

            return true;
        }

        return char.IsLowSurrogate(value[i]);
    }
}

/// <summary>Collects problems per field (<c>lines[0].sku</c>, <c>orderIds[2]</c>…) for one 400 answer.</summary>
public sealed class InputCheck
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public InputCheck Id(string field, string? value)
    {
        Add(field, InputRules.IdProblem(value));
        return this;
    }

    /// <summary>An id that may be left out; when present it follows the id rules.</summary>
    public InputCheck OptionalId(string field, string? value) => value is null ? this : Id(field, value);

    /// <summary>A list of ids: the list itself may be required, and every element must be an id.</summary>
    public InputCheck Ids(string field, IEnumerable<string?>? values, bool required = true)
    {
        if (values is null)
        {
            Add(field, required ? "A list is required." : null);
            return this;
        }

        var i = 0;
        foreach (var value in values)
        {
            Id($"{field}[{i++}]", value);
        }

        return this;
    }

    public InputCheck Text(string field, string? value, bool required = false)
    {
        Add(field, InputRules.TextProblem(value, required));
        return this;
    }

    /// <summary>A nested object that must be present.</summary>
    public InputCheck Present(string field, object? value)
    {
        Add(field, value is null ? "This field is required." : null);
        return this;
    }

    /// <summary>Runs <paramref name="check"/> on each element, naming it <c>field[i]</c>; null elements are errors.</summary>
    public InputCheck Each<T>(string field, IEnumerable<T?>? items, Action<InputCheck, string, T> check)
        where T : class
    {
        if (items is null)
        {
            Add(field, "A list is required.");
            return this;
        }

        var i = 0;
        foreach (var item in items)
        {
            var name = $"{field}[{i++}]";
            if (item is null)
            {
                Add(name, "This element may not be null.");
            }
            else
            {
                check(this, name, item);
            }
        }

        return this;
    }

    public ImmutableDictionary<string, string[]> Errors =>
        _errors.ToImmutableDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A 400 problem naming every bad field, or null when everything is fine.</summary>
    public ProblemHttpResult? Problem => IsValid ? null : Problems.Invalid(Errors);

    /// <summary>Every problem in one sentence, for hub errors.</summary>
    public string? Summary => IsValid ? null : string.Join(" ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    private void Add(string field, string? problem)
    {
        if (problem is null)
        {
            return;
        }

        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(problem);
    }
}
