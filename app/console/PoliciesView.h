#pragma once

#include "ServerConnection.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTabWidget;
QT_END_NAMESPACE

namespace yagura::console {

class ExceptionsPanel;
class PolicyEditor;
class RulesPanel;

// The Policies page: groups and their policies, rule packs and rules, and exceptions.
class PoliciesView : public QWidget {
    Q_OBJECT

public:
    explicit PoliciesView(ServerConnection* connection, QWidget* parent = nullptr);
    void refresh();
    PolicyEditor* editor() const { return m_editor; }
    RulesPanel* rules() const { return m_rules; }
    ExceptionsPanel* exceptions() const { return m_exceptions; }
    QTabWidget* tabs() const { return m_tabs; }

private:
    QTabWidget* m_tabs;
    PolicyEditor* m_editor;
    RulesPanel* m_rules;
    ExceptionsPanel* m_exceptions;
};

} // namespace yagura::console
