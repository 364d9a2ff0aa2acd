#pragma once

#include "ServerConnection.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace yagura::console {

// Asks before a response action: shows exactly what the agent will be asked to do (the server's
// preview: for an isolation, what stays allowed and the nftables rules), asks for the reason
// (required, audited), then creates the command.
class ResponseDialog : public QDialog {
    Q_OBJECT

public:
    // `request` holds the agent, the action and its parameters; the dialog adds the reason.
    ResponseDialog(ServerConnection* connection, const QString& hostname,
                   proto::CreateCommandRequest request, QWidget* parent = nullptr);

    QLineEdit* reasonEdit() const { return m_reason; }
    QPlainTextEdit* previewText() const { return m_preview; }
    QDialogButtonBox* buttons() const { return m_buttons; }
    const proto::CommandRecord& created() const { return m_created; }

signals:
    void commandCreated(const yagura::proto::CommandRecord& command);

private:
    void loadPreview();
    void confirm();
    void updateButtons();
    void applyParameters();
    QString describe(const proto::CreateCommandResponse& preview) const;

    ServerConnection* m_connection;
    proto::CreateCommandRequest m_request;
    proto::CommandRecord m_created;
    QLineEdit* m_path = nullptr;
    QComboBox* m_kind = nullptr;
    QPlainTextEdit* m_preview;
    QLineEdit* m_reason;
    QLabel* m_error;
    QDialogButtonBox* m_buttons;
    bool m_busy = false;
    bool m_previewOk = false;
};

} // namespace yagura::console
