namespace Mesh.Kubernetes.Client.Http;

/// <summary>
/// The bearer token to send: a fixed one, or the content of a token file, re-read when its modification time
/// changes or a minute has passed (projected service-account tokens are rotated by the kubelet). A failed
/// re-read keeps the last good token.
/// </summary>
internal sealed class BearerToken
{
    private static readonly TimeSpan RereadInterval = TimeSpan.FromMinutes(1);
    private readonly string? _fixed;
    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string? _current;
    private DateTime _fileModified;
    private DateTimeOffset _readAt;

    public BearerToken(string? token, string? tokenFile, TimeProvider time)
    {
        _fixed = string.IsNullOrEmpty(token) ? null : token;
        _file = string.IsNullOrEmpty(tokenFile) ? null : tokenFile;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public bool IsConfigured => _fixed is not null || _file is not null;

    /// <summary>The token now, or null when none is configured or the file never could be read.</summary>
    public string? Current()
    {
        if (_file is null)
        {
            return _fixed;
        }
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            DateTime modified;
            try
            {
                modified = File.GetLastWriteTimeUtc(_file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return _current ?? _fixed;
            }
            if (_current is null || modified != _fileModified || now - _readAt >= RereadInterval)
            {
                try
                {
                    var text = File.ReadAllText(_file).Trim();
                    if (text.Length > 0)
                    {
                        _current = text;
                        _fileModified = modified;
                        _readAt = now;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Keep the last good token; the next request tries again.
                }
            }
            return _current ?? _fixed;
        }
    }
}
