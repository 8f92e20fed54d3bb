using System.Globalization;

namespace MarketDelivery.Load;

/// <summary>What a run does; parsed from the command line (see README.md).</summary>
public sealed record LoadOptions
{
    public required Uri BaseAddress { get; init; }

    /// <summary>Closed loop: workers, each with one order flow outstanding. Open loop: the most flows in flight.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Seconds of load; null with <see cref="Orders"/> set means "until that many orders".</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Open loop: new orders per second on a fixed schedule. Null is the closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Stop after this many orders (first sends).</summary>
    public long? Orders { get; init; }

    /// <summary>Share of orders whose tickets are all confirmed by their stalls after placing.</summary>
    public double ConfirmFraction { get; init; } = 0.25;

    /// <summary>Share of orders read back once (GET) after placing, as a customer app would.</summary>
    public double ReadFraction { get; init; } = 0.25;

    /// <summary>The most stalls one order buys from (at least one).</summary>
    public int MaxStalls { get; init; } = 3;

    /// <summary>The most products one order takes from each of its stalls (at least one).</summary>
    public int MaxProductsPerStall { get; init; } = 2;

    /// <summary>Share of orders sent a second time with the same Idempotency-Key and body (the duplicate check).</summary>
    public double ResendFraction { get; init; } = 0.05;

    /// <summary>A progress line with the throughput of each block of this many orders; 0 is off.</summary>
    public long ReportEvery { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Verify { get; init; } = true;

    /// <summary>PostgreSQL connection string of the server's database: snapshot its counters around the load.</summary>
    public string? Postgres { get; init; }

    public int? Seed { get; init; }

    public double EffectiveDurationSeconds => DurationSeconds ?? (Orders is null ? 30 : double.PositiveInfinity);

    public const string Usage = """
        MarketDelivery.Load --base URL [options]
          --base URL              the server's root (required)
          --concurrency N         closed loop: N workers; open loop: at most N orders in flight (32)
          --duration S            seconds of load (30; unlimited when only --orders is given)
          --rate R                open loop: R orders/s on a fixed schedule, latency from the scheduled time
          --orders N              stop after N orders
          --confirm-fraction F    share of orders whose tickets are confirmed by the merchants (0.25)
          --read-fraction F       share of orders read back once after placing (0.25)
          --max-stalls N          an order buys from 1 to N stalls (3)
          --max-products N        1 to N products from each of its stalls (2)
          --resend-fraction F     share of orders re-sent with the same Idempotency-Key (0.05)
          --report-every N        print the throughput of every block of N orders (off)
          --timeout S             per-request timeout in seconds (10)
          --no-verify             skip reading back every acknowledged order (lost is then -1)
          --pg CONNSTRING         PostgreSQL of the server: print database round-trips and WAL bytes per order
          --seed N                seed of the order generator
        The last line printed is always: LOAD sent= acked= rps= p50_ms= p95_ms= p99_ms= c5xx= lost= dupes=
        """;

    /// <summary>Parses arguments; throws <see cref="ArgumentException"/> with a message for the user on a bad one.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        Uri? baseAddress = null;
        var o = new LoadOptions { BaseAddress = new Uri("http://unset/") };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value.");
                }

                return args[++i];
            }

            double Number(double min, double max)
            {
                var text = Value();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v < min || v > max || double.IsNaN(v))
                {
                    throw new ArgumentException($"{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (was '{text}').");
                }

                return v;
            }

            switch (name)
            {
                case "--base":
                    var b = Value();
                    if (!Uri.TryCreate(b.EndsWith('/') ? b : b + "/", UriKind.Absolute, out baseAddress) || baseAddress.Scheme is not ("http" or "https"))
                    {
                        throw new ArgumentException($"--base must be an http(s) URL (was '{b}').");
                    }

                    break;
                case "--concurrency": o = o with { Concurrency = (int)Number(1, 10_000) }; break;
                case "--duration": o = o with { DurationSeconds = Number(0.1, 86_400) }; break;
                case "--rate": o = o with { Rate = Number(0.1, 1_000_000) }; break;
                case "--orders": o = o with { Orders = (long)Number(1, 1e9) }; break;
                case "--confirm-fraction": o = o with { ConfirmFraction = Number(0, 1) }; break;
                case "--read-fraction": o = o with { ReadFraction = Number(0, 1) }; break;
                case "--max-stalls": o = o with { MaxStalls = (int)Number(1, 100) }; break;
                case "--max-products": o = o with { MaxProductsPerStall = (int)Number(1, 100) }; break;
                case "--resend-fraction": o = o with { ResendFraction = Number(0, 1) }; break;
                case "--report-every": o = o with { ReportEvery = (long)Number(0, 1e9) }; break;
                case "--timeout": o = o with { Timeout = TimeSpan.FromSeconds(Number(0.1, 600)) }; break;
                case "--no-verify": o = o with { Verify = false }; break;
                case "--pg": o = o with { Postgres = Value() }; break;
                case "--seed": o = o with { Seed = (int)Number(int.MinValue, int.MaxValue) }; break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return baseAddress is null ? throw new ArgumentException("--base URL is required.") : o with { BaseAddress = baseAddress };
    }
}
