package io.nutsgate.submissions;

import io.nutsgate.push.FillSubmittedHandler;
import org.springframework.stereotype.Component;

/** The socket's {@code fill:submitted}: the same submission as {@code POST /nuts/fills}, for the push transport. */
@Component
class SocketSubmissions implements FillSubmittedHandler {

    private final FillSubmissions submissions;

    SocketSubmissions(FillSubmissions submissions) {
        this.submissions = submissions;
    }

    @Override
    public Submitted submit(String txHash, String client) {
        FillSubmissions.Submission submission = submissions.submit(txHash, client);
        return new Submitted(submission.txHash(), submission.state().name(), submission.error());
    }
}
