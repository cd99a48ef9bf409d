using System.Runtime.CompilerServices;

namespace Outpost.Wire.Transport;

/// <summary>
/// <c>await</c> it to continue an async method on a new dedicated thread: the adaptive transport moves a connection that
/// became busy back onto a thread of its own. The thread ends when the method next waits asynchronously (or returns),
/// and then runs the exit action (which gives the thread back to the budget). The await's result is false when no
/// thread could be started; the method then continues on the thread pool and the exit action has already run.
/// </summary>
internal sealed class NewThreadAwaitable(string name, Action onExit) : ICriticalNotifyCompletion
{
    private bool _started;

    public NewThreadAwaitable GetAwaiter() => this;

    public bool IsCompleted => false;

    public bool GetResult() => _started;

    public void OnCompleted(Action continuation) => Start(continuation);

    public void UnsafeOnCompleted(Action continuation) => Start(continuation);

    private void Start(Action continuation)
    {
        var exit = onExit;
        var thread = new Thread(() =>
        {
            try
            {
                continuation();
            }
            finally
            {
                exit();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        _started = true; // before Start: the continuation reads it on the new thread
        try
        {
            thread.Start();
        }
        catch (OutOfMemoryException)
        {
            // No thread to be had: stay on the asynchronous path rather than fail the connection.
            _started = false;
            exit();
            ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
        }
    }
}
