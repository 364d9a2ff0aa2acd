#pragma once

#include "ServerConnection.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
QT_END_NAMESPACE

namespace yagura::console {

// Rule packs and their rules: each pack's counts, each rule's load status and the reason one
// did not load, the rule's YAML, enabling and disabling rules (admins), and importing a folder
// or archive of Sigma rules as a pack, with progress.
class RulesPanel : public QWidget {
    Q_OBJECT

public:
    explicit RulesPanel(ServerConnection* connection, QWidget* parent = nullptr);

    void refresh();
    // Imports a folder or archive as `pack` (the Import button asks for both).
    void importPath(const QString& path, const QString& pack);
    // For tests.
    QTableWidget* packsTable() const { return m_packs; }
    QTableWidget* rulesTable() const { return m_rules; }
    void setStatusFilter(const QString& status);
    void setRulesEnabled(bool enabled);

signals:
    void packsLoaded();
    void rulesLoaded();
    void importFinished(bool ok, const QString& message);
    void rulesChanged();

private:
    void loadPacks();
    void loadRules();
    void showRule();
    void askImport();
    void sendChunk(std::shared_ptr<std::vector<proto::ImportRulesRequest>> chunks,
                   std::size_t index, std::size_t files, std::size_t sent);
    QString selectedPack() const;
    void setStatus(const QString& text, bool error);

    ServerConnection* m_connection;
    QTableWidget* m_packs;
    QTableWidget* m_rules;
    QComboBox* m_status;
    QLineEdit* m_search;
    QPushButton* m_enable;
    QPushButton* m_disable;
    QPushButton* m_import;
    QPlainTextEdit* m_yaml;
    QProgressBar* m_progress;
    QLabel* m_message;
    quint64 m_generation = 0;
};

} // namespace yagura::console
